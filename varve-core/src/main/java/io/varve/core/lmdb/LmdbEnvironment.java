package io.varve.core.lmdb;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.agrona.DirectBuffer;
import org.jspecify.annotations.Nullable;
import org.lmdbjava.Dbi;
import org.lmdbjava.DirectBufferProxy;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;

import io.varve.StorageException;
import io.varve.core.durability.CheckpointFile;
import io.varve.core.storage.StorageConfig;
import io.varve.core.storage.StoreDirectory;
import io.varve.core.storage.StoreLock;

/**
 * Turns a store directory into an open LMDB environment, in the order that keeps every
 * failure clean: check and create the directory ({@link StoreDirectory}), claim it
 * ({@link StoreLock}), check the data file before LMDB maps it ({@link DataFileCheck}),
 * open with the durability flags and a map size that fits the file (new files private to
 * the owner), free reader slots of dead processes, then open the tables and check the
 * format ({@link LmdbTables}). A failure at any step releases what the earlier ones took.
 */
final class LmdbEnvironment {

	private static final System.Logger LOGGER = System.getLogger(LmdbEnvironment.class.getName());

	private static final long MAP_ALIGNMENT = 1024 * 1024;

	/** Name of LMDB's lock file, which holds its reader table. */
	static final String LOCK_FILE = "lock.mdb";

	private LmdbEnvironment() {
	}

	/** What opening produced; the caller closes the environment, then the lock. */
	record Opened(StoreLock lock, Env<DirectBuffer> env, List<Dbi<DirectBuffer>> dbis,
			CheckpointFile.@Nullable Checkpoint checkpoint) {

	}

	static Opened open(StorageConfig config) {
		StoreDirectory.prepare(config.directory(), config.readOnly(), config.groupAccess());
		StoreLock lock = StoreLock.acquire(config.directory(), config.readOnly(), config.groupAccess());
		Path directory = lock.directory();
		Path data = directory.resolve(DataFileCheck.DATA_FILE);
		Path lockFile = directory.resolve(LOCK_FILE);
		boolean newData = !Files.exists(data);
		boolean newLock = !Files.exists(lockFile);
		Env<DirectBuffer> env = null;
		try {
			CheckpointFile.Checkpoint checkpoint = null;
			if (!config.readOnly()) {
				// Before LMDB reads the meta pages: an OS crash may have left the newest
				// pointing at pages that never reached the disk.
				checkpoint = CheckpointFile.read(directory);
				if (MetaPages.rollBack(directory, checkpoint)) {
					LOGGER.log(Level.INFO, "Varve store " + directory + " reopens at its last checkpoint (transaction "
							+ checkpoint.txnId() + "); its journal brings back every acknowledged write after it");
				}
			}
			DataFileCheck.Meta meta = DataFileCheck.check(directory);
			env = Env.create(DirectBufferProxy.PROXY_DB)
				.setMapSize(initialMapSize(config, meta))
				.setMaxDbs(LmdbTables.NAMES.length)
				// A writer's checkpoints pin a snapshot: one slot more than the snapshots
				// asked for.
				.setMaxReaders(config.maxReaders() + (config.readOnly() ? 0 : 1))
				.open(directory.toFile(), StoreDirectory.lmdbFileMode(config.groupAccess()), flags(config));
			if (newData && !config.readOnly()) {
				StoreDirectory.restrict(data, config.groupAccess(), false);
			}
			if (newLock) {
				restrictLockFile(lockFile, config.groupAccess());
			}
			clearStaleReaders(env, directory);
			List<Dbi<DirectBuffer>> dbis = openTables(env, config.readOnly(), directory, config.newStoreMeta());
			StoreDirectory.warnIfReadableByOthers(directory, data, config.groupAccess());
			return new Opened(lock, env, dbis, checkpoint);
		}
		catch (IOException ex) {
			close(env, lock);
			throw new StorageException("Cannot set the permissions of the new files of the store at " + directory + ": "
					+ ex.getMessage() + "; check that this process owns the directory", ex);
		}
		catch (RuntimeException ex) {
			close(env, lock);
			throw LmdbErrors.translateOpen(ex, directory, config.readOnly());
		}
	}

	/**
	 * Gives LMDB's new lock file its mode. Best effort: a process of another user may
	 * have created it at the same moment, and then it is theirs to set.
	 */
	private static void restrictLockFile(Path lockFile, boolean groupAccess) {
		try {
			StoreDirectory.restrict(lockFile, groupAccess, true);
		}
		catch (IOException ex) {
			LOGGER.log(Level.DEBUG, () -> "Could not set the mode of " + lockFile + ": " + ex);
		}
	}

	private static void close(Env<DirectBuffer> env, StoreLock lock) {
		if (env != null) {
			env.close();
		}
		lock.close();
	}

	/**
	 * Opens the tables; read-only, the writing process may grow the map between LMDB's
	 * open and the first transaction, so its new size is adopted and the open retried.
	 */
	private static List<Dbi<DirectBuffer>> openTables(Env<DirectBuffer> env, boolean readOnly, Path directory,
			Map<String, byte[]> newStoreMeta) {
		for (int attempt = 1;; attempt++) {
			try {
				return ReaderSlots.whenTableHasRoom(() -> LmdbTables.open(env, readOnly, directory, newStoreMeta),
						directory);
			}
			catch (Dbi.MapResizedException ex) {
				if (!readOnly || attempt == 3) {
					throw ex;
				}
				env.setMapSize(0);
			}
		}
	}

	/**
	 * A read-only process adopts the writer's map size (0 tells LMDB to take it from the
	 * file). A writer starts from the configured size, or from the size the store had
	 * grown to, so that a reopened store does not grow again step by step.
	 */
	private static long initialMapSize(StorageConfig config, DataFileCheck.Meta meta) {
		if (config.readOnly()) {
			return 0;
		}
		long size = align(config.initialMapSize());
		if (meta != null) {
			size = Math.max(size, Math.min(align(meta.mapSize()), align(config.maxMapSize())));
		}
		return size;
	}

	/**
	 * Rounds a map size up to whole mebibytes, at least one.
	 * @param size the size in bytes
	 * @return the aligned size
	 */
	static long align(long size) {
		return Math.max(MAP_ALIGNMENT, (size + MAP_ALIGNMENT - 1) / MAP_ALIGNMENT * MAP_ALIGNMENT);
	}

	/**
	 * Frees reader table entries left by processes that died holding a snapshot: they
	 * would otherwise count against the reader limit and pin old pages forever.
	 */
	private static void clearStaleReaders(Env<DirectBuffer> env, Path directory) {
		try {
			int cleared = env.readerCheck();
			if (cleared > 0) {
				LOGGER.log(Level.INFO, "Cleared " + cleared + " reader slot(s) of Varve store " + directory
						+ " left by processes that ended without closing them");
			}
		}
		catch (RuntimeException ex) {
			LOGGER.log(Level.WARNING, "Could not check the reader table of Varve store " + directory, ex);
		}
	}

	private static EnvFlags[] flags(StorageConfig config) {
		List<EnvFlags> flags = new ArrayList<>();
		// Reader slots belong to transactions, not threads: any thread may read, and
		// pooled snapshots move between threads.
		flags.add(EnvFlags.MDB_NOTLS);
		if (config.readOnly()) {
			flags.add(EnvFlags.MDB_RDONLY_ENV);
		}
		else {
			// Commits are made durable by the journal, and LMDB's pages by checkpoints.
			flags.add(EnvFlags.MDB_NOSYNC);
		}
		return flags.toArray(EnvFlags[]::new);
	}

}

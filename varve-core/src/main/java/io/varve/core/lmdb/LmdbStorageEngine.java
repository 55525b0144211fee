package io.varve.core.lmdb;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.agrona.DirectBuffer;
import org.lmdbjava.CopyFlags;
import org.lmdbjava.Cursor;
import org.lmdbjava.Dbi;
import org.lmdbjava.DirectBufferProxy;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;
import org.lmdbjava.EnvInfo;
import org.lmdbjava.Txn;

import io.varve.Durability;
import io.varve.InvalidArgumentException;
import io.varve.StorageException;
import io.varve.VarveClosedException;
import io.varve.core.storage.AuxTable;
import io.varve.core.storage.ReadTxn;
import io.varve.core.storage.StorageConfig;
import io.varve.core.storage.StorageEngine;
import io.varve.core.storage.StorageStats;
import io.varve.core.storage.StoreLock;
import io.varve.core.storage.WriteTxn;

/**
 * The LMDB storage engine: one environment per store directory, with named databases for
 * the log, stream heads, the stream index, the event-id index, a format record and the
 * processors' tables. The only package that talks to lmdbjava.
 *
 * <p>
 * Read snapshots are pooled {@code MDB_NOTLS} transactions, so any thread (pooled or
 * virtual) may read, and their number is bounded below LMDB's reader table by
 * {@link ReaderSlots}. Every use of the memory map holds the {@link MapGuard}, so that
 * growing the map (or, read-only, adopting the writer's larger map) never pulls it from
 * under a reader.
 */
public final class LmdbStorageEngine implements StorageEngine {

	private static final System.Logger LOGGER = System.getLogger(LmdbStorageEngine.class.getName());

	/** Format version written to new stores and required of existing ones. */
	public static final int FORMAT_VERSION = LmdbTables.FORMAT_VERSION;

	static final int META = 0;

	static final int LOG = 1;

	static final int STREAMS = 2;

	static final int STREAM_INDEX = 3;

	static final int EVENT_IDS = 4;

	static final int CHECKPOINTS = 5;

	static final int PROJECTIONS = 6;

	static final int PARKED = 7;

	private static final long MAP_ALIGNMENT = 1024 * 1024;

	/** How often a read retries after adopting a larger map before giving up. */
	private static final int MAX_MAP_ADOPTIONS = 8;

	private final StorageConfig config;

	private final StoreLock lock;

	private final Env<DirectBuffer> env;

	private final List<Dbi<DirectBuffer>> dbis;

	private final MapGuard mapGuard;

	private final ReaderSlots slots;

	private final ConcurrentLinkedQueue<LmdbReadTxn> pool = new ConcurrentLinkedQueue<>();

	private volatile boolean closed;

	// Owned by the writer thread.
	private long lastIdHigh;

	private long lastIdLow;

	private LmdbStorageEngine(StorageConfig config, StoreLock lock, Env<DirectBuffer> env,
			List<Dbi<DirectBuffer>> dbis) {
		this.config = config;
		this.lock = lock;
		this.env = env;
		this.dbis = dbis;
		this.mapGuard = new MapGuard(lock.directory());
		this.slots = new ReaderSlots(env.info().maxReaders, lock.directory());
	}

	/**
	 * Opens (and for a writable store, creates if needed) the store in a directory.
	 * @param config the configuration
	 * @return the engine
	 */
	public static LmdbStorageEngine open(StorageConfig config) {
		Path directory = config.directory();
		if (config.readOnly()) {
			if (!Files.isDirectory(directory) || !Files.exists(directory.resolve(DataFileCheck.DATA_FILE))) {
				throw new InvalidArgumentException("There is no Varve store at " + directory.toAbsolutePath()
						+ " to open read-only; check the path, or create the store with Varve.open(path) first");
			}
		}
		else {
			try {
				Files.createDirectories(directory);
			}
			catch (IOException ex) {
				throw new StorageException("Cannot create the store directory " + directory.toAbsolutePath() + ": "
						+ ex.getMessage() + "; check the path and its permissions", ex);
			}
		}
		StoreLock lock = StoreLock.acquire(directory, config.readOnly());
		Env<DirectBuffer> env = null;
		try {
			DataFileCheck.Meta meta = DataFileCheck.check(lock.directory());
			env = Env.create(DirectBufferProxy.PROXY_DB)
				.setMapSize(initialMapSize(config, meta))
				.setMaxDbs(LmdbTables.NAMES.length)
				.setMaxReaders(config.maxReaders())
				.open(lock.directory().toFile(), 0664, flags(config));
			clearStaleReaders(env, lock.directory());
			List<Dbi<DirectBuffer>> dbis = LmdbTables.open(env, config.readOnly(), lock.directory());
			LmdbStorageEngine engine = new LmdbStorageEngine(config, lock, env, dbis);
			engine.loadWriterState();
			return engine;
		}
		catch (RuntimeException ex) {
			if (env != null) {
				env.close();
			}
			lock.close();
			throw LmdbErrors.translate(ex, "open the store at " + lock.directory());
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
		flags.add(EnvFlags.MDB_NOTLS);
		if (config.durability() == Durability.NO_META_SYNC) {
			flags.add(EnvFlags.MDB_NOMETASYNC);
		}
		else if (config.durability() == Durability.NO_SYNC) {
			flags.add(EnvFlags.MDB_NOSYNC);
		}
		if (config.readOnly()) {
			flags.add(EnvFlags.MDB_RDONLY_ENV);
		}
		return flags.toArray(EnvFlags[]::new);
	}

	private void loadWriterState() {
		try (Txn<DirectBuffer> txn = this.env.txnRead(); Cursor<DirectBuffer> cursor = dbi(EVENT_IDS).openCursor(txn)) {
			if (cursor.last()) {
				this.lastIdHigh = cursor.key().getLong(0, ByteOrder.BIG_ENDIAN);
				this.lastIdLow = cursor.key().getLong(8, ByteOrder.BIG_ENDIAN);
			}
		}
	}

	int dbiCount() {
		return this.dbis.size();
	}

	Dbi<DirectBuffer> dbi(int index) {
		return this.dbis.get(index);
	}

	static int auxDbi(AuxTable table) {
		return switch (table) {
			case CHECKPOINTS -> CHECKPOINTS;
			case PROJECTIONS -> PROJECTIONS;
			case PARKED -> PARKED;
		};
	}

	/** The most snapshots this process holds open at once; more wait for one to close. */
	public int snapshotLimit() {
		return this.slots.limit();
	}

	@Override
	public ReadTxn beginRead() {
		this.slots.acquire();
		try {
			for (int adopted = 0;; adopted++) {
				long stamp = this.mapGuard.shared();
				LmdbReadTxn txn = null;
				try {
					checkOpen();
					txn = this.pool.poll();
					if (txn == null) {
						txn = new LmdbReadTxn(this, this.env.txnRead());
					}
					else {
						txn.renew();
					}
					txn.start(stamp);
					return txn;
				}
				catch (Dbi.MapResizedException ex) {
					// The writing process grew the map past ours: adopt its size and
					// retry.
					recycleAfterFailedRenew(txn);
					this.mapGuard.releaseShared(stamp);
					if (adopted == MAX_MAP_ADOPTIONS) {
						throw LmdbErrors.translate(ex, "read");
					}
					adoptWriterMapSize();
				}
				catch (RuntimeException ex) {
					recycleAfterFailedRenew(txn);
					this.mapGuard.releaseShared(stamp);
					throw LmdbErrors.translate(ex, "read");
				}
			}
		}
		catch (RuntimeException ex) {
			this.slots.release();
			throw ex;
		}
	}

	/** A transaction whose renew failed is reset again, keeping its reader slot. */
	private void recycleAfterFailedRenew(LmdbReadTxn txn) {
		if (txn != null && txn.resetAfterFailedRenew()) {
			this.pool.offer(txn);
		}
	}

	private void adoptWriterMapSize() {
		long stamp = this.mapGuard.exclusive("adopt the writer's larger map");
		try {
			checkOpen();
			this.env.setMapSize(0);
		}
		catch (RuntimeException ex) {
			throw LmdbErrors.translate(ex, "adopt the writer's map size");
		}
		finally {
			this.mapGuard.releaseExclusive(stamp);
		}
	}

	void release(LmdbReadTxn txn, long stamp) {
		this.pool.offer(txn);
		this.mapGuard.releaseShared(stamp);
		this.slots.release();
	}

	@Override
	public WriteTxn beginWrite() {
		checkOpen();
		if (this.config.readOnly()) {
			throw new StorageException("This store was opened read-only; writes are not allowed");
		}
		try {
			return new LmdbWriteTxn(this, this.env.txnWrite(), this.lastIdHigh, this.lastIdLow);
		}
		catch (RuntimeException ex) {
			throw LmdbErrors.translate(ex, "begin a write");
		}
	}

	void committed(long lastIdHigh, long lastIdLow) {
		this.lastIdHigh = lastIdHigh;
		this.lastIdLow = lastIdLow;
	}

	@Override
	public boolean grow() {
		// Only the writer thread changes the map size here, so reading it is safe.
		long current = this.env.info().mapSize;
		long max = align(this.config.maxMapSize());
		if (current >= max) {
			return false;
		}
		long next = Math.min(max, align(current * 2));
		long stamp = this.mapGuard.exclusive("grow the map");
		try {
			checkOpen();
			this.env.setMapSize(next);
		}
		catch (RuntimeException ex) {
			throw LmdbErrors.translate(ex, "grow the map to " + next + " bytes");
		}
		finally {
			this.mapGuard.releaseExclusive(stamp);
		}
		LOGGER.log(Level.DEBUG,
				() -> "Grew the map of Varve store " + this.lock.directory() + " to " + next + " bytes");
		return true;
	}

	private static long align(long size) {
		return Math.max(MAP_ALIGNMENT, (size + MAP_ALIGNMENT - 1) / MAP_ALIGNMENT * MAP_ALIGNMENT);
	}

	@Override
	public void sync() {
		// Shared, so that close cannot free the environment under a running sync.
		long stamp = this.mapGuard.shared();
		try {
			checkOpen();
			this.env.sync(true);
		}
		catch (RuntimeException ex) {
			throw LmdbErrors.translate(ex, "sync");
		}
		finally {
			this.mapGuard.releaseShared(stamp);
		}
	}

	@Override
	public void backup(Path target) {
		checkOpen();
		Path file = target.resolve(DataFileCheck.DATA_FILE);
		try {
			Files.createDirectories(target);
			try (var entries = Files.list(target)) {
				if (entries.findAny().isPresent()) {
					throw new InvalidArgumentException("Backup target " + target.toAbsolutePath()
							+ " is not empty; give an empty or new directory");
				}
			}
		}
		catch (IOException ex) {
			throw new StorageException("Cannot prepare the backup directory " + target.toAbsolutePath() + ": "
					+ ex.getMessage() + "; check the path and its permissions", ex);
		}
		// The copy reads the map for its whole run, like a snapshot.
		this.slots.acquire();
		long stamp = this.mapGuard.shared();
		try {
			checkOpen();
			this.env.copy(target.toFile(), CopyFlags.MDB_CP_COMPACT);
			forceToDisk(file, target);
		}
		catch (RuntimeException ex) {
			deleteQuietly(file);
			throw LmdbErrors.translate(ex, "write a backup to " + target.toAbsolutePath());
		}
		finally {
			this.mapGuard.releaseShared(stamp);
			this.slots.release();
		}
	}

	/**
	 * LMDB syncs a copy only when the store itself syncs; a backup is synced always, file
	 * and directory entry, so that it survives a crash right after it returns.
	 */
	private static void forceToDisk(Path file, Path directory) {
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
			channel.force(true);
		}
		catch (IOException ex) {
			throw new StorageException("Cannot sync the backup " + file.toAbsolutePath() + " to disk: "
					+ ex.getMessage() + "; check the disk and try again", ex);
		}
		try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
			channel.force(true);
		}
		catch (IOException ex) {
			// Not every platform can sync a directory; the file itself is synced.
		}
	}

	private static void deleteQuietly(Path file) {
		try {
			Files.deleteIfExists(file);
		}
		catch (IOException ex) {
			// Left for the caller to clean up; the exception already says the backup
			// failed.
		}
	}

	@Override
	public StorageStats stats() {
		long stamp = this.mapGuard.shared();
		try {
			checkOpen();
			EnvInfo info = this.env.info();
			int pageSize = this.env.stat().pageSize;
			return new StorageStats(info.mapSize, align(this.config.maxMapSize()), (info.lastPageNumber + 1) * pageSize,
					pageSize, info.maxReaders, info.numReaders);
		}
		finally {
			this.mapGuard.releaseShared(stamp);
		}
	}

	@Override
	public boolean isReadOnly() {
		return this.config.readOnly();
	}

	private void checkOpen() {
		if (this.closed) {
			throw new VarveClosedException(
					"The Varve store at " + this.lock.directory() + " is closed; open it again with Varve.open(path)");
		}
	}

	@Override
	public void close() {
		if (this.closed) {
			return;
		}
		long stamp = this.mapGuard.exclusive("close");
		try {
			if (this.closed) {
				return;
			}
			this.closed = true;
			LmdbReadTxn txn;
			while ((txn = this.pool.poll()) != null) {
				txn.dispose();
			}
			this.env.close();
		}
		finally {
			this.mapGuard.releaseExclusive(stamp);
			this.lock.close();
		}
	}

}

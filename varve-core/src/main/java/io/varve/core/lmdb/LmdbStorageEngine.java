package io.varve.core.lmdb;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.StampedLock;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.lmdbjava.CopyFlags;
import org.lmdbjava.Cursor;
import org.lmdbjava.Dbi;
import org.lmdbjava.DbiFlags;
import org.lmdbjava.DirectBufferProxy;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;
import org.lmdbjava.EnvInfo;
import org.lmdbjava.Txn;

import io.varve.Durability;
import io.varve.IncompatibleFormatException;
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
 */
public final class LmdbStorageEngine implements StorageEngine {

	/** Format version written to new stores and required of existing ones. */
	public static final int FORMAT_VERSION = 1;

	private static final byte[] MAGIC = "VARVE\0".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] FORMAT_KEY = "format".getBytes(StandardCharsets.US_ASCII);

	static final int META = 0;

	static final int LOG = 1;

	static final int STREAMS = 2;

	static final int STREAM_INDEX = 3;

	static final int EVENT_IDS = 4;

	static final int CHECKPOINTS = 5;

	static final int PROJECTIONS = 6;

	static final int PARKED = 7;

	private static final String[] DBI_NAMES = { "meta", "log", "streams", "stream-index", "event-ids", "checkpoints",
			"projections", "parked" };

	private static final long MAP_ALIGNMENT = 1024 * 1024;

	private final StorageConfig config;

	private final StoreLock lock;

	private final Env<DirectBuffer> env;

	private final List<Dbi<DirectBuffer>> dbis;

	/**
	 * Readers hold it shared while a snapshot is open; growing the map takes it
	 * exclusively.
	 */
	private final StampedLock mapLock = new StampedLock();

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
	}

	/**
	 * Opens (and for a writable store, creates if needed) the store in a directory.
	 * @param config the configuration
	 * @return the engine
	 */
	public static LmdbStorageEngine open(StorageConfig config) {
		Path directory = config.directory();
		if (config.readOnly()) {
			if (!Files.isDirectory(directory) || !Files.exists(directory.resolve("data.mdb"))) {
				throw new StorageException("There is no Varve store at " + directory.toAbsolutePath()
						+ " to open read-only; check the path");
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
			DataFileCheck.check(lock.directory());
			env = Env.create(DirectBufferProxy.PROXY_DB)
				.setMapSize(align(config.initialMapSize()))
				.setMaxDbs(DBI_NAMES.length)
				.setMaxReaders(config.maxReaders())
				.open(lock.directory().toFile(), 0664, flags(config));
			if (!config.readOnly()) {
				env.readerCheck();
			}
			List<Dbi<DirectBuffer>> dbis = openDatabases(env, config.readOnly(), lock.directory());
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

	private static List<Dbi<DirectBuffer>> openDatabases(Env<DirectBuffer> env, boolean readOnly, Path directory) {
		Set<String> existing = new LinkedHashSet<>();
		for (byte[] name : env.getDbiNames()) {
			existing.add(new String(name, StandardCharsets.UTF_8));
		}
		boolean fresh = existing.isEmpty();
		if (!fresh && !existing.contains(DBI_NAMES[META])) {
			throw new IncompatibleFormatException(
					"The directory " + directory + " holds an LMDB database that is not a Varve store (it has "
							+ existing + "); point Varve at an empty directory or at a Varve store");
		}
		if (fresh && readOnly) {
			throw new IncompatibleFormatException(
					"The store at " + directory + " is empty; open it for writing first, or check the path");
		}
		List<Dbi<DirectBuffer>> dbis = new ArrayList<>();
		try (Txn<DirectBuffer> txn = readOnly ? env.txnRead() : env.txnWrite()) {
			for (String name : DBI_NAMES) {
				if (readOnly || !fresh) {
					if (!existing.contains(name) && readOnly) {
						throw new IncompatibleFormatException("The store at " + directory + " lacks its '" + name
								+ "' table; it was not written by a compatible Varve");
					}
				}
				DbiFlags[] dbiFlags = readOnly ? new DbiFlags[0] : new DbiFlags[] { DbiFlags.MDB_CREATE };
				dbis.add(env.openDbi(txn, name.getBytes(StandardCharsets.UTF_8), null, false, dbiFlags));
			}
			Dbi<DirectBuffer> meta = dbis.get(META);
			if (fresh) {
				UnsafeBuffer key = direct(FORMAT_KEY);
				UnsafeBuffer value = direct(formatRecord(FORMAT_VERSION));
				meta.put(txn, key, value);
			}
			else {
				checkFormat(meta.get(txn, direct(FORMAT_KEY)), directory);
			}
			if (!readOnly) {
				txn.commit();
			}
		}
		return dbis;
	}

	private static void checkFormat(DirectBuffer record, Path directory) {
		if (record == null || record.capacity() != MAGIC.length + 2) {
			throw new IncompatibleFormatException("The store at " + directory
					+ " has no valid Varve format record; it is not a Varve store or it is damaged");
		}
		byte[] magic = new byte[MAGIC.length];
		record.getBytes(0, magic);
		if (!Arrays.equals(magic, MAGIC)) {
			throw new IncompatibleFormatException(
					"The store at " + directory + " has a foreign format record; it is not a Varve store");
		}
		int version = record.getShort(MAGIC.length, ByteOrder.BIG_ENDIAN) & 0xffff;
		if (version != FORMAT_VERSION) {
			throw new IncompatibleFormatException("The store at " + directory + " uses on-disk format version "
					+ version + " but this Varve reads version " + FORMAT_VERSION
					+ "; open it with the Varve release that wrote it, or migrate it");
		}
	}

	static byte[] formatRecord(int version) {
		byte[] record = Arrays.copyOf(MAGIC, MAGIC.length + 2);
		record[MAGIC.length] = (byte) (version >>> 8);
		record[MAGIC.length + 1] = (byte) version;
		return record;
	}

	private static UnsafeBuffer direct(byte[] bytes) {
		UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(bytes.length));
		buffer.putBytes(0, bytes);
		return buffer;
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

	@Override
	public ReadTxn beginRead() {
		long stamp = this.mapLock.readLock();
		try {
			checkOpen();
			LmdbReadTxn txn = this.pool.poll();
			if (txn == null) {
				txn = new LmdbReadTxn(this, this.env.txnRead());
			}
			else {
				txn.renew();
			}
			txn.start(stamp);
			return txn;
		}
		catch (RuntimeException ex) {
			this.mapLock.unlockRead(stamp);
			throw LmdbErrors.translate(ex, "read");
		}
	}

	void release(LmdbReadTxn txn, long stamp) {
		this.pool.offer(txn);
		this.mapLock.unlockRead(stamp);
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
		long current = this.env.info().mapSize;
		long max = align(this.config.maxMapSize());
		if (current >= max) {
			return false;
		}
		long next = Math.min(max, align(current * 2));
		long stamp = this.mapLock.writeLock();
		try {
			checkOpen();
			this.env.setMapSize(next);
		}
		finally {
			this.mapLock.unlockWrite(stamp);
		}
		return true;
	}

	private static long align(long size) {
		return Math.max(MAP_ALIGNMENT, (size + MAP_ALIGNMENT - 1) / MAP_ALIGNMENT * MAP_ALIGNMENT);
	}

	@Override
	public void sync() {
		checkOpen();
		try {
			this.env.sync(true);
		}
		catch (RuntimeException ex) {
			throw LmdbErrors.translate(ex, "sync");
		}
	}

	@Override
	public void backup(Path target) {
		checkOpen();
		try {
			Files.createDirectories(target);
			try (var entries = Files.list(target)) {
				if (entries.findAny().isPresent()) {
					throw new io.varve.InvalidArgumentException("Backup target " + target.toAbsolutePath()
							+ " is not empty; give an empty or new directory");
				}
			}
			this.env.copy(target.toFile(), CopyFlags.MDB_CP_COMPACT);
		}
		catch (IOException ex) {
			throw new StorageException("Cannot write a backup to " + target.toAbsolutePath() + ": " + ex.getMessage(),
					ex);
		}
		catch (RuntimeException ex) {
			throw LmdbErrors.translate(ex, "write a backup to " + target.toAbsolutePath());
		}
	}

	@Override
	public StorageStats stats() {
		checkOpen();
		EnvInfo info = this.env.info();
		int pageSize = this.env.stat().pageSize;
		return new StorageStats(info.mapSize, align(this.config.maxMapSize()), (info.lastPageNumber + 1) * pageSize,
				pageSize, info.maxReaders, info.numReaders);
	}

	@Override
	public boolean isReadOnly() {
		return this.config.readOnly();
	}

	private void checkOpen() {
		if (this.closed) {
			throw new VarveClosedException("The Varve store at " + this.lock.directory() + " is closed");
		}
	}

	@Override
	public void close() {
		if (this.closed) {
			return;
		}
		long stamp = this.mapLock.writeLock();
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
			this.mapLock.unlockWrite(stamp);
			this.lock.close();
		}
	}

}

package io.varve.core.lmdb;

import java.lang.System.Logger.Level;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.agrona.DirectBuffer;
import org.lmdbjava.Cursor;
import org.lmdbjava.Dbi;
import org.lmdbjava.Env;
import org.lmdbjava.EnvInfo;
import org.lmdbjava.Txn;

import io.varve.Durability;
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

	/** How often a read retries after adopting a larger map before giving up. */
	private static final int MAX_MAP_ADOPTIONS = 8;

	private final StorageConfig config;

	private final StoreLock lock;

	private final Env<DirectBuffer> env;

	private final List<Dbi<DirectBuffer>> dbis;

	private final MapGuard mapGuard;

	private final ReaderSlots slots;

	private final Preallocator preallocator;

	private final ConcurrentLinkedQueue<LmdbReadTxn> pool = new ConcurrentLinkedQueue<>();

	private volatile boolean closed;

	// Owned by the committing thread (the writer's, or a caller's under its commit lock).
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
		// Only commits that flush wait for the file system's journal when they grow the
		// file.
		this.preallocator = Preallocator.start(this, lock.directory().resolve(DataFileCheck.DATA_FILE),
				config.preallocate() && !config.readOnly() && config.durability() != Durability.NO_SYNC);
	}

	/**
	 * Opens (and for a writable store, creates if needed) the store in a directory.
	 * @param config the configuration
	 * @return the engine
	 */
	public static LmdbStorageEngine open(StorageConfig config) {
		LmdbEnvironment.Opened opened = LmdbEnvironment.open(config);
		LmdbStorageEngine engine = null;
		try {
			engine = new LmdbStorageEngine(config, opened.lock(), opened.env(), opened.dbis());
			if (!config.readOnly()) {
				// Only a writer needs it; and a read-only open would have to adopt a map
				// that the writing process grew since the tables were opened.
				engine.loadWriterState();
			}
			return engine;
		}
		catch (RuntimeException ex) {
			if (engine != null) {
				engine.preallocator.stop();
			}
			opened.env().close();
			opened.lock().close();
			throw LmdbErrors.translate(ex, "open the store at " + opened.lock().directory());
		}
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
		this.preallocator.beginWrite();
		try {
			return new LmdbWriteTxn(this, this.env.txnWrite(), this.lastIdHigh, this.lastIdLow);
		}
		catch (RuntimeException ex) {
			this.preallocator.endWrite();
			throw LmdbErrors.translate(ex, "begin a write");
		}
	}

	/** Called once by every write transaction when it ends, committed or not. */
	void writeEnded() {
		this.preallocator.endWrite();
	}

	/** The part that keeps zeroed space ahead of the data file (for tests). */
	Preallocator preallocator() {
		return this.preallocator;
	}

	void committed(long lastIdHigh, long lastIdLow) {
		this.lastIdHigh = lastIdHigh;
		this.lastIdLow = lastIdLow;
	}

	@Override
	public boolean grow() {
		// Only the committing thread (under the writer's lock) changes the map size here,
		// so reading it is safe.
		long current = this.env.info().mapSize;
		long max = LmdbEnvironment.align(this.config.maxMapSize());
		if (current >= max) {
			return false;
		}
		long next = Math.min(max, LmdbEnvironment.align(current * 2));
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
		LmdbBackup.prepare(target);
		this.slots.acquire();
		try {
			for (int adopted = 0;; adopted++) {
				long stamp = this.mapGuard.shared();
				try {
					checkOpen();
					LmdbBackup.copy(this.env, target);
					return;
				}
				catch (Dbi.MapResizedException ex) {
					// Read-only: the writing process grew the map past ours.
					this.mapGuard.releaseShared(stamp);
					stamp = 0;
					if (adopted == MAX_MAP_ADOPTIONS) {
						throw LmdbErrors.translate(ex, "write a backup to " + target.toAbsolutePath());
					}
					adoptWriterMapSize();
				}
				catch (RuntimeException ex) {
					throw LmdbErrors.translate(ex, "write a backup to " + target.toAbsolutePath());
				}
				finally {
					if (stamp != 0) {
						this.mapGuard.releaseShared(stamp);
					}
				}
			}
		}
		finally {
			this.slots.release();
		}
	}

	@Override
	public StorageStats stats() {
		long stamp = this.mapGuard.shared();
		try {
			checkOpen();
			EnvInfo info = this.env.info();
			int pageSize = this.env.stat().pageSize;
			return new StorageStats(info.mapSize, LmdbEnvironment.align(this.config.maxMapSize()),
					(info.lastPageNumber + 1) * pageSize, pageSize, info.maxReaders, info.numReaders);
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
		// Before the map goes: its thread reads the store's size.
		this.preallocator.stop();
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

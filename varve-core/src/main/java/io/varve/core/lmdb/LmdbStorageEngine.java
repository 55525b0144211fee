package io.varve.core.lmdb;

import java.lang.System.Logger.Level;
import java.nio.ByteOrder;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

import org.jspecify.annotations.Nullable;

import org.agrona.DirectBuffer;
import org.lmdbjava.Cursor;
import org.lmdbjava.Dbi;
import org.lmdbjava.Env;
import org.lmdbjava.EnvInfo;
import org.lmdbjava.Txn;

import io.varve.StorageException;
import io.varve.VarveClosedException;
import io.varve.core.durability.CheckpointFile;
import io.varve.core.durability.Journal;
import io.varve.core.storage.AuxTable;
import io.varve.core.storage.CommitSync;
import io.varve.core.storage.DiskSpace;
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
 * Read snapshots come from {@link LmdbReads}. Every use of the memory map holds the
 * {@link MapGuard}, so that growing the map (or, read-only, adopting the writer's larger
 * map) never pulls it from under a reader.
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

	static final int EVENT_TYPES = 8;

	static final int SNAPSHOTS = 9;

	private final StorageConfig config;

	private final StoreLock lock;

	private final Env<DirectBuffer> env;

	private final List<Dbi<DirectBuffer>> dbis;

	private final MapGuard mapGuard;

	private final Preallocator preallocator;

	private final LmdbReads reads;

	private volatile boolean closed;

	private final MapBounds map;

	// Owned by the committing thread (the writer's, or a caller's under its commit lock).
	private long lastIdHigh;

	private long lastIdLow;

	/**
	 * Held from the start of a write transaction (or a batch) to its end, and by
	 * checkpoints: fair, so that a checkpoint waiting for a batch to end goes before the
	 * next batch begins.
	 */
	private final ReentrantLock writeLock = new ReentrantLock(true);

	/**
	 * The open transaction that journaled groups commit into until {@link #publish()}
	 * (owned by the writer thread), or null.
	 */
	private @Nullable Txn<DirectBuffer> batch;

	/** The journal record of the last group committed into the batch. */
	private long batchSequence = -1;

	private volatile @Nullable Runnable readBarrier;

	/**
	 * Whether a batch failed to commit and its groups (safe in the journal) are not yet
	 * in the tables: the writer's thread brings them in before anything else.
	 */
	private volatile boolean batchLost;

	/** Whether the next replay of a lost batch finds the map full (tests only). */
	private volatile boolean nextReplayMapFull;

	/** A failure the next batch commit throws instead of committing (tests only). */
	private volatile @Nullable RuntimeException nextPublishFailure;

	/**
	 * Batches open only with at least this much free space on the store's file system:
	 * closer to full, a batch's commit could fail for want of space after its groups were
	 * acknowledged, so groups commit one by one (each fails alone, as disk full).
	 */
	static final long BATCH_FREE_SPACE = 256L << 20;

	/** The file system holding the store, looked up once (or null if it cannot tell). */
	private @Nullable FileStore fileStore;

	/** The journal side, for a writable store. */
	private @Nullable Journaling journaling;

	private final Checkpoints checkpoints;

	private LmdbStorageEngine(StorageConfig config, StoreLock lock, Env<DirectBuffer> env,
			List<Dbi<DirectBuffer>> dbis) {
		this.config = config;
		this.lock = lock;
		this.env = env;
		this.dbis = dbis;
		this.mapGuard = new MapGuard(lock.directory());
		EnvInfo info = env.info();
		// A writer keeps one reader slot for its checkpoint's pin.
		this.reads = new LmdbReads(this, env, this.mapGuard, info.maxReaders - (config.readOnly() ? 0 : 1));
		this.map = new MapBounds(this, info.mapSize, (info.lastPageNumber + 1) * env.stat().pageSize);
		this.preallocator = Preallocator.start(this, lock.directory().resolve(DataFileCheck.DATA_FILE),
				config.preallocate() && !config.readOnly());
		this.checkpoints = new Checkpoints(this);
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
				CheckpointFile.Checkpoint checkpoint = opened.checkpoint();
				boolean durable = config.commitSync() == CommitSync.FLUSH;
				// Without durability there is no journal, unless an unclean durable run
				// left one to replay first.
				if (durable || (checkpoint != null && !checkpoint.clean())) {
					Journaling.recover(engine, checkpoint, durable, config.groupAccess());
					if (!durable) {
						engine.stopJournaling();
					}
				}
			}
			return engine;
		}
		catch (RuntimeException ex) {
			if (engine != null) {
				engine.checkpoints.stop();
				engine.checkpoints.unpin();
				engine.preallocator.stop();
				engine.reads.close();
				if (engine.journaling != null) {
					engine.journaling.journal().close();
				}
			}
			opened.env().close();
			opened.lock().close();
			throw LmdbErrors.translate(ex, "open the store", opened.lock().directory());
		}
	}

	private void loadWriterState() {
		try (Txn<DirectBuffer> txn = ReaderSlots.whenTableHasRoom(this.env::txnRead, directory());
				Cursor<DirectBuffer> cursor = dbi(EVENT_IDS).openCursor(txn)) {
			if (cursor.last()) {
				if (cursor.key().capacity() != 16) {
					throw LmdbErrors.damaged(directory(),
							"an event-id key is " + cursor.key().capacity() + " bytes instead of 16",
							"read the newest event id", null);
				}
				this.lastIdHigh = cursor.key().getLong(0, ByteOrder.BIG_ENDIAN);
				this.lastIdLow = cursor.key().getLong(8, ByteOrder.BIG_ENDIAN);
			}
		}
	}

	MapGuard mapGuard() {
		return this.mapGuard;
	}

	boolean groupAccess() {
		return this.config.groupAccess();
	}

	ReentrantLock writeLock() {
		return this.writeLock;
	}

	Env<DirectBuffer> env() {
		return this.env;
	}

	@Nullable Journal journalFile() {
		return (this.journaling != null) ? this.journaling.journal() : null;
	}

	long committedSequence() {
		return (this.journaling != null) ? this.journaling.committedSequence() : 0;
	}

	/** The journal side of a writable store, or null read-only. */
	@Nullable Journaling journaling() {
		return this.journaling;
	}

	Checkpoints checkpoints() {
		return this.checkpoints;
	}

	/**
	 * Without durability asked for, commits skip the journal altogether (as LMDB's own
	 * no-sync commits did): a clean checkpoint first, so that the next durable open rolls
	 * nothing back.
	 */
	private void stopJournaling() {
		this.checkpoints.stop();
		this.journaling.lastCheckpoint();
		this.checkpoints.unpin();
		this.journaling.journal().close();
		this.journaling = null;
	}

	/** From now on, commits go through the journal. */
	void useJournaling(Journaling journaling) {
		this.journaling = journaling;
	}

	/** A write transaction for replaying the journal: not journaled itself. */
	LmdbWriteTxn beginReplay() {
		return beginWrite(false);
	}

	/** The store directory. */
	Path directory() {
		return this.lock.directory();
	}

	@Nullable String lengthProblem(DirectBuffer value, boolean inWrite) {
		return this.map.lengthProblem(value, inWrite);
	}

	void adoptWriterMapSize() {
		this.map.adoptWriterMapSize();
	}

	@Override
	public boolean grow() {
		return this.map.grow(this.config.maxMapSize(), this.journaling != null);
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
			case EVENT_TYPES -> EVENT_TYPES;
			case SNAPSHOTS -> SNAPSHOTS;
		};
	}

	/** The most snapshots this process holds open at once; more wait for one to close. */
	public int snapshotLimit() {
		return this.reads.limit();
	}

	@Override
	public ReadTxn beginRead() {
		awaitReadable();
		return this.reads.begin();
	}

	@Override
	public ReadTxn beginReadPublished() {
		return this.reads.begin();
	}

	private void awaitReadable() {
		Runnable barrier = this.readBarrier;
		if (barrier != null) {
			barrier.run();
		}
	}

	@Override
	public void readBarrier(@Nullable Runnable barrier) {
		this.readBarrier = barrier;
	}

	@Override
	public boolean batchesCommits() {
		return this.journaling != null;
	}

	/**
	 * With a journal, groups commit into a batch (an LMDB transaction kept open across
	 * groups, each group writing straight into it): a group is durable once its journal
	 * record is flushed, and LMDB commits once per batch, which saves each group the
	 * commit's work and its fresh pages. (Not a nested transaction per group: LMDB copies
	 * every page a nested transaction touches that its parent has touched already, and
	 * merges their page lists at its commit, which cost a fifth of the writer's time per
	 * group; a group that fails part way is rare, and costs the batch instead, see
	 * {@link #abandonBatch()}.) Only the thread that opens the batch may
	 * {@link #publish()} it (LMDB's writer lock is that thread's); a group may be applied
	 * on another thread, one at a time.
	 */
	@Override
	public boolean openBatch() {
		if (this.journaling == null) {
			return false;
		}
		checkOpen();
		catchUp();
		if (this.batch == null) {
			long free = usableBytes();
			if (free >= 0 && free < BATCH_FREE_SPACE) {
				return false;
			}
			this.batch = beginLmdbWrite();
		}
		return true;
	}

	/**
	 * Runs a hook each time the map is about to grow, before it waits for the map's users
	 * (tests only).
	 * @param hook the hook, or null for none
	 */
	void beforeGrow(@Nullable Runnable hook) {
		this.map.beforeGrow(hook);
	}

	/**
	 * Makes the next batch commit fail as if LMDB had refused it (tests only).
	 * @param failure the failure
	 */
	void failNextPublish(RuntimeException failure) {
		this.nextPublishFailure = failure;
	}

	/**
	 * Makes the next replay of a lost batch find the map full once, as if its records
	 * needed more room than the map has (tests only).
	 */
	void fillMapAtNextReplay() {
		this.nextReplayMapFull = true;
	}

	/** Whether the replay of a lost batch is to find the map full (once). */
	boolean takeReplayMapFull() {
		if (!this.nextReplayMapFull) {
			return false;
		}
		this.nextReplayMapFull = false;
		return true;
	}

	/**
	 * Whether the journal holds acknowledged groups the tables do not, after a batch
	 * failed to commit: no checkpoint may then let the journal reuse their records.
	 */
	boolean batchLost() {
		return this.batchLost;
	}

	/** The space left on the store's file system: one statfs call, or -1. */
	private long usableBytes() {
		try {
			if (this.fileStore == null) {
				this.fileStore = Files.getFileStore(directory());
			}
			return this.fileStore.getUsableSpace();
		}
		catch (IOException | SecurityException ex) {
			return DiskSpace.usableBytes(directory());
		}
	}

	/** A group's transaction in the open batch, or of its own when none is open. */
	@Override
	public WriteTxn beginGroup() {
		if (this.batch == null) {
			catchUp();
			return beginWrite();
		}
		checkOpen();
		try {
			return new LmdbWriteTxn(this, this.batch, this.lastIdHigh, this.lastIdLow, this.journaling.record(), true);
		}
		catch (RuntimeException ex) {
			throw LmdbErrors.translate(ex, "begin a write", directory());
		}
	}

	/**
	 * Drops the open batch after a group failed part way in it (its writes are in the
	 * batch, and LMDB cannot take back part of a transaction), then brings the groups
	 * acknowledged in it back from the journal, as after a batch that failed to commit.
	 * On the thread that opened the batch.
	 */
	@Override
	public void abandonBatch() {
		Txn<DirectBuffer> abandoned = this.batch;
		if (abandoned == null) {
			return;
		}
		this.batch = null;
		try {
			abandoned.close();
		}
		finally {
			// Before the write lock goes: no checkpoint may see the tables without the
			// batch's acknowledged groups and let the journal reuse their records.
			if (this.batchSequence > this.journaling.committedSequence()) {
				this.batchLost = true;
			}
			writeEnded();
		}
		catchUp();
	}

	/** A group committed into the batch; called on the writer's thread. */
	void groupCommitted(long lastIdHigh, long lastIdLow, long journaled) {
		this.lastIdHigh = lastIdHigh;
		this.lastIdLow = lastIdLow;
		if (journaled >= 0) {
			this.batchSequence = journaled;
		}
	}

	/**
	 * Commits the batch. Should LMDB fail to (a full map, say), its groups are safe in
	 * the journal and are replayed from it into the tables, as at open.
	 */
	@Override
	public void publish() {
		Txn<DirectBuffer> committing = this.batch;
		if (committing == null) {
			return;
		}
		this.batch = null;
		RuntimeException failure = null;
		try {
			RuntimeException injected = this.nextPublishFailure;
			if (injected != null) {
				this.nextPublishFailure = null;
				throw injected;
			}
			committing.commit();
			committing.close();
			committed(this.lastIdHigh, this.lastIdLow, this.batchSequence);
		}
		catch (RuntimeException ex) {
			committing.close();
			failure = ex;
			// Before the write lock goes: no checkpoint may see the tables without the
			// batch and let the journal reuse its records.
			this.batchLost = true;
		}
		finally {
			writeEnded();
		}
		if (failure != null) {
			try {
				catchUp();
			}
			catch (RuntimeException ex) {
				ex.addSuppressed(failure);
				throw ex;
			}
		}
	}

	/**
	 * Brings the groups of a batch that failed to commit into the tables from the
	 * journal, as at open, before any other write; until that succeeds (a full disk has
	 * room again, say) every write fails with its reason, and nothing is lost.
	 */
	private void catchUp() {
		if (!this.batchLost) {
			return;
		}
		try {
			this.journaling.replayUnpublished(this.batchSequence);
			this.batchLost = false;
		}
		catch (RuntimeException ex) {
			throw LmdbErrors.translateWrite(ex,
					"bring acknowledged writes from the journal into the tables (they are safe in the journal)",
					directory(), directory());
		}
	}

	void release(LmdbReadTxn txn, long stamp) {
		this.reads.release(txn, stamp);
	}

	@Override
	public WriteTxn beginWrite() {
		checkOpen();
		if (this.config.readOnly()) {
			throw new StorageException("This store was opened read-only; writes are not allowed");
		}
		return beginWrite(true);
	}

	private LmdbWriteTxn beginWrite(boolean journaled) {
		Txn<DirectBuffer> txn = beginLmdbWrite();
		try {
			return new LmdbWriteTxn(this, txn, this.lastIdHigh, this.lastIdLow,
					(journaled && this.journaling != null) ? this.journaling.record() : null, false);
		}
		catch (RuntimeException ex) {
			txn.close();
			writeEnded();
			throw LmdbErrors.translate(ex, "begin a write", directory());
		}
	}

	/**
	 * Takes the write lock and begins LMDB's write transaction (a transaction's own, or a
	 * batch's); on failure neither is held.
	 */
	private Txn<DirectBuffer> beginLmdbWrite() {
		this.writeLock.lock();
		this.preallocator.beginWrite();
		try {
			return this.env.txnWrite();
		}
		catch (RuntimeException ex) {
			writeEnded();
			throw LmdbErrors.translate(ex, "begin a write", directory());
		}
	}

	/** Called once by every write transaction when it ends, committed or not. */
	void writeEnded() {
		this.preallocator.endWrite();
		this.writeLock.unlock();
	}

	/** The part that keeps zeroed space ahead of the data file (for tests). */
	Preallocator preallocator() {
		return this.preallocator;
	}

	/**
	 * A write transaction committed; called under the write lock.
	 * @param journaled its journal record's sequence number, or -1 if not journaled
	 */
	void committed(long lastIdHigh, long lastIdLow, long journaled) {
		this.lastIdHigh = lastIdHigh;
		this.lastIdLow = lastIdLow;
		if (journaled >= 0 && this.journaling != null) {
			this.journaling.committed(journaled);
		}
	}

	/**
	 * Makes every commit so far durable: for a journaled writer, one flush of the journal
	 * (a checkpoint follows in the background); without the journal, a flush of the data
	 * file; read-only, nothing to do.
	 */
	@Override
	public void sync() {
		// Shared, so that close cannot free the environment under a running sync.
		long stamp = this.mapGuard.shared();
		try {
			checkOpen();
			if (this.journaling != null) {
				this.journaling.flush();
			}
			else if (!this.config.readOnly()) {
				this.env.sync(true);
			}
		}
		catch (RuntimeException ex) {
			throw LmdbErrors.translateWrite(ex, "sync", directory(), directory());
		}
		finally {
			this.mapGuard.releaseShared(stamp);
		}
	}

	@Override
	public void backup(Path target) {
		checkOpen();
		awaitReadable();
		LmdbBackup.prepare(target, this.config.groupAccess());
		this.reads.copy(target, this.config.groupAccess());
	}

	/** The figures as of the last published commit, and every acknowledged append. */
	@Override
	public StorageStats stats() {
		awaitReadable();
		return currentStats();
	}

	/** The figures as of the last published commit. */
	StorageStats currentStats() {
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
	public byte @Nullable [] meta(String key) {
		// Through the reads' own path, which adopts a map the writing process grew.
		try (LmdbTxnBase read = (LmdbTxnBase) beginRead()) {
			return read.meta(key);
		}
	}

	@Override
	public boolean isReadOnly() {
		return this.config.readOnly();
	}

	void checkOpen() {
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
		if (this.batch != null && this.writeLock.isHeldByCurrentThread()) {
			// Closed by the batch's own thread without publishing it: LMDB must not close
			// under an open transaction, and the clean checkpoint below must find every
			// acknowledged group in the tables, so the batch is dropped and its groups
			// brought back from the journal. Should that fail, the checkpoint refuses
			// (the batch is lost) and the next open replays the journal.
			try {
				abandonBatch();
			}
			catch (RuntimeException ex) {
				LOGGER.log(Level.WARNING, "Varve store " + directory() + " closed with a batch open and could not "
						+ "bring its groups in from the journal; the next open replays them", ex);
			}
		}
		// Before the map goes: its thread reads the store's size.
		this.preallocator.stop();
		this.checkpoints.stop();
		if (this.journaling != null) {
			this.journaling.lastCheckpoint();
		}
		long stamp = this.mapGuard.exclusive("close");
		try {
			if (this.closed) {
				return;
			}
			this.closed = true;
			this.checkpoints.unpin();
			if (this.journaling != null) {
				this.journaling.journal().close();
			}
			this.reads.close();
			this.env.close();
		}
		finally {
			this.mapGuard.releaseExclusive(stamp);
			this.lock.close();
		}
	}

}

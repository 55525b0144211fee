package io.varve.core.lmdb;

import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

import org.jspecify.annotations.Nullable;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.lmdbjava.Cursor;
import org.lmdbjava.Dbi;
import org.lmdbjava.Env;
import org.lmdbjava.EnvInfo;
import org.lmdbjava.Txn;

import io.varve.StorageException;
import io.varve.VarveClosedException;
import io.varve.core.durability.CheckpointFile;
import io.varve.core.durability.Flushes;
import io.varve.core.durability.Journal;
import io.varve.core.durability.JournalRecord;
import io.varve.core.storage.AuxTable;
import io.varve.core.storage.CommitSync;
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

	private final StorageConfig config;

	private final StoreLock lock;

	private final Env<DirectBuffer> env;

	private final List<Dbi<DirectBuffer>> dbis;

	private final MapGuard mapGuard;

	private final Preallocator preallocator;

	private final LmdbReads reads;

	private volatile boolean closed;

	/** The map size; changed only under the exclusive map guard. */
	private volatile long mapSize;

	/**
	 * The data in the file as last seen: only grows, refreshed when a value exceeds it.
	 */
	private volatile long dataBytes;

	// Owned by the committing thread (the writer's, or a caller's under its commit lock).
	private long lastIdHigh;

	private long lastIdLow;

	/** Held from the start of a write transaction to its end, and by checkpoints. */
	private final ReentrantLock writeLock = new ReentrantLock();

	/** The journal, for a writable store. */
	private @Nullable Journal journal;

	private final JournalRecord.Builder record = new JournalRecord.Builder();

	private final CommitSync commitSync;

	private final Checkpoints checkpoints;

	/** The last journal record LMDB holds; under the write lock. */
	private long committedSequence;

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
		this.mapSize = info.mapSize;
		this.dataBytes = (info.lastPageNumber + 1) * env.stat().pageSize;
		this.preallocator = Preallocator.start(this, lock.directory().resolve(DataFileCheck.DATA_FILE),
				config.preallocate() && !config.readOnly());
		this.commitSync = config.commitSync();
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
				engine.recover(opened.checkpoint());
			}
			return engine;
		}
		catch (RuntimeException ex) {
			if (engine != null) {
				engine.checkpoints.stop();
				engine.preallocator.stop();
				engine.reads.close();
				if (engine.journal != null) {
					engine.journal.close();
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

	/**
	 * Brings the tables up to date from the journal (the records after the one LMDB
	 * holds, in order, up to where the journal ends), then takes a checkpoint with a new
	 * journal generation and starts the journal afresh.
	 */
	private void recover(CheckpointFile.@Nullable Checkpoint checkpoint) {
		Journal opened = Journal.open(directory(), this.commitSync == CommitSync.FLUSH, this.config.groupAccess());
		this.journal = opened;
		// An unclean store was put back to its checkpoint, which holds every record up to
		// the checkpoint's; a clean one holds every record.
		long held = (checkpoint != null) ? checkpoint.journalSequence() : 0;
		int generation = (checkpoint != null) ? checkpoint.generation() : 0;
		long last = held;
		if (checkpoint != null && !checkpoint.clean()) {
			last = opened.replayAfter(held, generation, (sequence, body) -> {
				LmdbWriteTxn txn = beginWrite(false);
				boolean ok = false;
				try {
					JournalRecord.replay(body, txn, "record " + sequence);
					txn.commit();
					ok = true;
				}
				finally {
					if (!ok) {
						txn.close();
					}
				}
			});
		}
		if (last > held) {
			LOGGER.log(Level.INFO, "Varve store " + directory() + ": replayed " + (last - held)
					+ " journal record(s) that the data file did not hold");
		}
		this.committedSequence = last;
		// The journal starts over before the checkpoint that says so: until that is
		// written, the old checkpoint and the untouched old records still hold.
		opened.startAfter(last, generation + 1);
		this.checkpoints.start(checkpoint, generation + 1);
	}

	/**
	 * Appends a write transaction's record to the journal (flushed if the durability
	 * asks). Which record the tables hold last needs no write of its own per commit: the
	 * checkpoint records it, and recovery starts from the checkpoint.
	 * @return the record's sequence number
	 */
	long journal(JournalRecord.Builder changes) {
		Journal target = this.journal;
		long sequence = target.nextSequence();
		int length = changes.finish(sequence, target.generation());
		target.append(changes.bytes(), length);
		this.checkpoints.written(length);
		return sequence;
	}

	long mapShared() {
		return this.mapGuard.shared();
	}

	void mapReleased(long stamp) {
		this.mapGuard.releaseShared(stamp);
	}

	/**
	 * Flushes the data file (a checkpoint's one flush of LMDB's pages); the caller holds
	 * the map guard shared.
	 */
	void flushDataHoldingMap() {
		try {
			checkOpen();
			Path data = directory().resolve(DataFileCheck.DATA_FILE);
			Flushes.before(data);
			this.env.sync(true);
			Flushes.after(data);
		}
		catch (RuntimeException ex) {
			throw LmdbErrors.translateWrite(ex, "flush for a checkpoint", directory(), directory());
		}
	}

	/** Takes back the record of a transaction whose LMDB commit failed. */
	void cancelJournal() {
		this.journal.cancelLast();
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
		return this.journal;
	}

	long committedSequence() {
		return this.committedSequence;
	}

	/** The store directory. */
	Path directory() {
		return this.lock.directory();
	}

	/**
	 * What is wrong with the length of a value LMDB returned, if anything. A length is
	 * read from the file, so before anything is sized by it, it must fit the data the
	 * file holds (for a write transaction, which may read pages it has not written yet,
	 * the map).
	 * @param value the value
	 * @param inWrite whether a write transaction read it
	 * @return the problem, or null
	 */
	@Nullable String lengthProblem(DirectBuffer value, boolean inWrite) {
		long length = value.capacity();
		long bound = inWrite ? this.mapSize : this.dataBytes;
		if (length >= 0 && length <= bound) {
			return null;
		}
		if (length >= 0 && !inWrite) {
			// The writer may have added data since: look again.
			EnvInfo info = this.env.info();
			bound = (info.lastPageNumber + 1) * this.env.stat().pageSize;
			this.dataBytes = bound;
			if (length <= bound) {
				return null;
			}
		}
		return "its length of " + length + " bytes does not fit the " + bound + " bytes of data in the file";
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
		return this.reads.limit();
	}

	@Override
	public ReadTxn beginRead() {
		return this.reads.begin();
	}

	/**
	 * Adopts the larger map the writing process grew to (read-only stores); waits for
	 * this process's snapshots to end first.
	 */
	void adoptWriterMapSize() {
		long stamp = this.mapGuard.exclusive("adopt the writer's larger map");
		try {
			checkOpen();
			this.env.setMapSize(0);
			this.mapSize = this.env.info().mapSize;
		}
		catch (RuntimeException ex) {
			throw LmdbErrors.translate(ex, "adopt the writer's map size", directory());
		}
		finally {
			this.mapGuard.releaseExclusive(stamp);
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
		this.writeLock.lock();
		this.preallocator.beginWrite();
		try {
			return new LmdbWriteTxn(this, this.env.txnWrite(), this.lastIdHigh, this.lastIdLow,
					(journaled && this.journal != null) ? this.record : null);
		}
		catch (RuntimeException ex) {
			this.preallocator.endWrite();
			this.writeLock.unlock();
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
		if (journaled >= 0) {
			this.committedSequence = journaled;
		}
	}

	@Override
	public boolean grow() {
		// Only the committing thread (under the writer's lock) changes the map size here,
		// so reading it is safe.
		long current = this.env.info().mapSize;
		long max = LmdbEnvironment.align(this.config.maxMapSize());
		if (current >= max) {
			// Pages freed since the last checkpoint stay pinned until the next one: take
			// it,
			// and the write is tried again in the space it frees.
			return this.journal != null && this.checkpoints.checkpointIfBehind();
		}
		long next = Math.min(max, LmdbEnvironment.align(current * 2));
		long stamp = this.mapGuard.exclusive("grow the map");
		try {
			checkOpen();
			this.env.setMapSize(next);
			this.mapSize = this.env.info().mapSize;
		}
		catch (RuntimeException ex) {
			throw LmdbErrors.translate(ex, "grow the map to " + next + " bytes", directory());
		}
		finally {
			this.mapGuard.releaseExclusive(stamp);
		}
		LOGGER.log(Level.DEBUG,
				() -> "Grew the map of Varve store " + this.lock.directory() + " to " + next + " bytes");
		return true;
	}

	/**
	 * Makes every commit so far durable: for a writer, one flush of the journal (a
	 * checkpoint follows in the background); read-only, nothing to do.
	 */
	@Override
	public void sync() {
		// Shared, so that close cannot free the environment under a running sync.
		long stamp = this.mapGuard.shared();
		try {
			checkOpen();
			if (this.journal != null) {
				this.writeLock.lock();
				try {
					this.journal.flush();
				}
				finally {
					this.writeLock.unlock();
				}
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
		LmdbBackup.prepare(target, this.config.groupAccess());
		this.reads.copy(target, this.config.groupAccess());
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
		// Before the map goes: its thread reads the store's size.
		this.preallocator.stop();
		this.checkpoints.stop();
		if (this.journal != null) {
			try {
				// A clean close leaves nothing to replay.
				this.checkpoints.checkpoint(true);
			}
			catch (RuntimeException ex) {
				LOGGER.log(Level.WARNING, "The last checkpoint of Varve store " + directory()
						+ " failed; the next open replays its journal", ex);
			}
		}
		long stamp = this.mapGuard.exclusive("close");
		try {
			if (this.closed) {
				return;
			}
			this.closed = true;
			this.checkpoints.unpin();
			if (this.journal != null) {
				this.journal.close();
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

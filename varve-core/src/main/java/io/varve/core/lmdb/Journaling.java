package io.varve.core.lmdb;

import java.lang.System.Logger.Level;
import java.util.function.ToLongFunction;

import org.agrona.DirectBuffer;
import org.jspecify.annotations.Nullable;

import io.varve.StorageException;
import io.varve.StoreFullException;

import io.varve.core.durability.CheckpointFile;
import io.varve.core.durability.Journal;
import io.varve.core.durability.JournalRecord;
import io.varve.core.storage.MapFullSignal;

/**
 * The journal side of a writable store: recovery at open (the journal's records after the
 * checkpoint replayed into the tables), and each commit's record appended before LMDB
 * commits. Which record the tables hold last needs no write of its own per commit: the
 * checkpoint records it, and recovery starts from the checkpoint.
 */
final class Journaling {

	private static final System.Logger LOGGER = System.getLogger(Journaling.class.getName());

	private final LmdbStorageEngine engine;

	private final Journal journal;

	private final JournalRecord.Builder record = new JournalRecord.Builder();

	/**
	 * The last journal record LMDB holds: written under the engine's write lock, read by
	 * the checkpoint thread.
	 */
	private volatile long committedSequence;

	private Journaling(LmdbStorageEngine engine, Journal journal) {
		this.engine = engine;
		this.journal = journal;
	}

	/**
	 * Opens the journal and brings the tables up to date from it (the records after the
	 * checkpoint's, in order, up to where the journal ends) if the store did not close
	 * cleanly, then starts the journal afresh with a new generation and takes the first
	 * checkpoint, which records it.
	 * @param engine the engine, its tables open
	 * @param checkpoint the last checkpoint, or null for a new store (or a backup)
	 * @param flushEachRecord whether each record is flushed (the durability)
	 * @param groupAccess whether the owner's group may read the store's files
	 * @return the journal side
	 */
	static Journaling recover(LmdbStorageEngine engine, CheckpointFile.@Nullable Checkpoint checkpoint,
			boolean flushEachRecord, boolean groupAccess) {
		Journal journal = Journal.open(engine.directory(), flushEachRecord, groupAccess);
		Journaling journaling = new Journaling(engine, journal);
		// An unclean store was put back to its checkpoint, which holds every record up to
		// the checkpoint's; a clean one holds every record.
		long held = (checkpoint != null) ? checkpoint.journalSequence() : 0;
		int generation = (checkpoint != null) ? checkpoint.generation() : 0;
		long last = held;
		if (checkpoint != null && !checkpoint.clean()) {
			// Until the first checkpoint after the replay is durable, what the
			// disk holds is still the old checkpoint: its pages stay pinned, or a
			// crash (or a failed replay) would reopen at pages the replay wrote
			// over.
			engine.checkpoints().pinCurrent();
			last = journal.replayAfter(held, generation, (sequence, body) -> replay(engine, sequence, body));
		}
		if (last > held) {
			long replayed = last - held;
			LOGGER.log(Level.INFO, () -> "Varve store " + engine.directory() + ": replayed " + replayed
					+ " journal record(s) that the data file did not hold");
		}
		journaling.committedSequence = last;
		engine.useJournaling(journaling);
		// The journal starts over before the checkpoint that says so: until that is
		// written, the old checkpoint and the untouched old records still hold.
		journal.startAfter(last, generation + 1);
		engine.checkpoints().start(checkpoint, generation + 1);
		return journaling;
	}

	/**
	 * Replays one record in a transaction of its own; a record that needs a larger map
	 * than the checkpoint's grows it, as the writer did when it first wrote the record.
	 */
	private static void replay(LmdbStorageEngine engine, long sequence, DirectBuffer body) {
		replayGrowing(engine, (txn) -> {
			JournalRecord.replay(body, txn, "record " + sequence);
			return sequence;
		});
	}

	/**
	 * Runs a replay in a write transaction and commits it; when the map is full, the
	 * transaction is dropped, the map grown and the replay run again.
	 * @return what the replay returned: the last record it replayed
	 */
	private static long replayGrowing(LmdbStorageEngine engine, ToLongFunction<LmdbWriteTxn> replay) {
		while (true) {
			LmdbWriteTxn txn = engine.beginReplay();
			boolean ok = false;
			try {
				long last = replay.applyAsLong(txn);
				txn.commit();
				ok = true;
				return last;
			}
			catch (MapFullSignal full) {
				txn.close();
				ok = true;
				if (!engine.grow()) {
					throw new StoreFullException("The journal of the Varve store at " + engine.directory()
							+ " holds acknowledged writes that need a larger map than the maximum of "
							+ engine.currentStats().maxMapSize()
							+ " bytes to be brought back; nothing is lost, the store "
							+ "is unchanged: open it with a larger maximum (VarveBuilder.maxMapSize, property "
							+ "varve.max-map-size)");
				}
			}
			finally {
				if (!ok) {
					txn.close();
				}
			}
		}
	}

	/**
	 * Replays the records LMDB does not hold (those of a batch that failed to commit or
	 * was abandoned) in one transaction, as the batch held them, so they need no more
	 * room than the batch did; on the writer's thread, no transaction open. No checkpoint
	 * comes in between: they refuse while the engine reports the batch lost. (The map
	 * grows between tries, with no transaction open: holding the write lock throughout
	 * would deadlock with a checkpoint that holds the map while it waits for the lock.)
	 * @param through the last record the tables must hold afterwards
	 */
	void replayUnpublished(long through) {
		long last = replayGrowing(this.engine, (txn) -> {
			long replayed = this.journal.replayAfter(this.committedSequence, this.journal.generation(),
					(sequence, body) -> JournalRecord.replay(body, txn, "record " + sequence));
			if (this.engine.takeReplayMapFull()) {
				throw new MapFullSignal(null);
			}
			return replayed;
		});
		this.committedSequence = last;
		if (last < through) {
			throw new StorageException("The journal of the Varve store at " + this.engine.directory()
					+ " ends at record " + last + " where acknowledged writes go on to record " + through
					+ "; close the store (nothing more is written) and report this as a bug");
		}
	}

	Journal journal() {
		return this.journal;
	}

	/**
	 * The builder write transactions record their changes into (one writer at a time).
	 */
	JournalRecord.Builder record() {
		return this.record;
	}

	/** Flushes every record written so far (between commits). */
	void flush() {
		this.engine.writeLock().lock();
		try {
			this.journal.flush();
		}
		finally {
			this.engine.writeLock().unlock();
		}
	}

	/**
	 * The checkpoint of a clean close: the next open rolls nothing back and replays
	 * nothing.
	 */
	void lastCheckpoint() {
		try {
			this.engine.checkpoints().checkpoint(true);
		}
		catch (RuntimeException ex) {
			LOGGER.log(Level.WARNING, "The last checkpoint of Varve store " + this.engine.directory()
					+ " failed; the next open replays its journal", ex);
		}
	}

	long committedSequence() {
		return this.committedSequence;
	}

	void committed(long sequence) {
		this.committedSequence = sequence;
	}

	/**
	 * Appends a write transaction's record to the journal (flushed if the durability
	 * asks); called under the engine's write lock, before LMDB commits.
	 * @param changes the transaction's changes
	 * @return the record's sequence number
	 */
	long append(JournalRecord.Builder changes) {
		long sequence = this.journal.nextSequence();
		int length = changes.finish(sequence, this.journal.generation());
		this.journal.append(changes.bytes(), length);
		this.engine.checkpoints().written(length);
		return sequence;
	}

}

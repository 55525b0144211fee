package io.varve.core.lmdb;

import java.lang.System.Logger.Level;
import java.nio.file.Path;

import org.agrona.DirectBuffer;
import org.lmdbjava.Dbi;
import org.lmdbjava.Env;

import io.varve.VarveClosedException;
import io.varve.core.storage.ReadTxn;

/**
 * Hands out read snapshots: pooled {@code MDB_NOTLS} transactions, so any thread (pooled
 * or virtual) may read. Their number is bounded below LMDB's reader table by
 * {@link ReaderSlots}; a table filled by other processes is waited for, as a full one in
 * this process is; and each snapshot holds the {@link MapGuard} shared, so that a map
 * change never pulls the map from under it. A backup reads the same way.
 */
final class LmdbReads {

	private static final System.Logger LOGGER = System.getLogger(LmdbReads.class.getName());

	/** How often a read retries after adopting a larger map before giving up. */
	private static final int MAX_MAP_ADOPTIONS = 8;

	private final LmdbStorageEngine engine;

	private final Env<DirectBuffer> env;

	private final MapGuard mapGuard;

	private final ReaderSlots slots;

	private final ReadPool pool;

	LmdbReads(LmdbStorageEngine engine, Env<DirectBuffer> env, MapGuard mapGuard, int lmdbMaxReaders) {
		this.engine = engine;
		this.env = env;
		this.mapGuard = mapGuard;
		this.slots = new ReaderSlots(lmdbMaxReaders, engine.directory());
		this.pool = new ReadPool(this::closeIdle);
	}

	/** The most snapshots this process holds open at once. */
	int limit() {
		return this.slots.limit();
	}

	ReadTxn begin() {
		long deadline = this.slots.acquire();
		try {
			Attempts attempts = null;
			while (true) {
				long stamp = this.mapGuard.shared();
				LmdbReadTxn txn = null;
				try {
					this.engine.checkOpen();
					txn = this.pool.take();
					if (txn == null) {
						txn = new LmdbReadTxn(this.engine, this.env.txnRead());
					}
					else {
						txn.renew();
					}
					txn.start(stamp);
					return txn;
				}
				catch (RuntimeException ex) {
					recycleAfterFailedRenew(txn);
					this.mapGuard.releaseShared(stamp);
					if (attempts == null) {
						attempts = new Attempts(deadline, "begin a read");
					}
					attempts.failed(ex);
				}
			}
		}
		catch (RuntimeException ex) {
			this.slots.release();
			throw ex;
		}
	}

	void release(LmdbReadTxn txn, long stamp) {
		this.pool.give(txn);
		this.mapGuard.releaseShared(stamp);
		this.slots.release();
	}

	/**
	 * Writes a backup into a prepared directory: LMDB's copy reads in a transaction of
	 * its own, so it takes a slot and waits for LMDB's table like a read.
	 * @param target the backup directory
	 * @param groupAccess whether the store's group may read the copy
	 */
	void copy(Path target, boolean groupAccess) {
		long deadline = this.slots.acquire();
		try {
			Attempts attempts = new Attempts(deadline, "write a backup to " + target.toAbsolutePath());
			while (true) {
				long stamp = this.mapGuard.shared();
				try {
					this.engine.checkOpen();
					LmdbBackup.copy(this.env, target, groupAccess);
					return;
				}
				catch (Env.ReadersFullException | Dbi.MapResizedException ex) {
					this.mapGuard.releaseShared(stamp);
					stamp = 0;
					attempts.failed(ex);
				}
				catch (RuntimeException ex) {
					throw LmdbErrors.translateWrite(ex, "write a backup to " + target.toAbsolutePath(),
							this.engine.directory(), target);
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

	/** A transaction whose renew failed is reset again, keeping its reader slot. */
	private void recycleAfterFailedRenew(LmdbReadTxn txn) {
		if (txn != null && txn.resetAfterFailedRenew()) {
			this.pool.give(txn);
		}
	}

	/**
	 * Closes pooled transactions left idle, so that their entries in LMDB's reader table
	 * go back to other processes. Skipped while the map changes: the next sweep does it.
	 */
	private void closeIdle() {
		long stamp = this.mapGuard.tryShared();
		if (stamp == 0) {
			return;
		}
		try {
			this.engine.checkOpen();
			this.pool.closeIdle();
		}
		catch (VarveClosedException ex) {
			// The pool closed with the store.
		}
		catch (RuntimeException ex) {
			LOGGER.log(Level.WARNING, "Could not close idle readers of Varve store " + this.engine.directory(), ex);
		}
		finally {
			this.mapGuard.releaseShared(stamp);
		}
	}

	/** Closes every pooled transaction; the caller holds the map exclusively. */
	void close() {
		this.pool.close();
	}

	/**
	 * The failures of one attempt to take a snapshot that are worth another try: LMDB's
	 * reader table full with other processes' readers (wait for one of ours to come back,
	 * or for theirs to go), and, read-only, the writing process having grown the map past
	 * ours (adopt its size).
	 */
	private final class Attempts {

		private final long deadline;

		private final String action;

		private int tableFull;

		private int adopted;

		Attempts(long deadline, String action) {
			this.deadline = deadline;
			this.action = action;
		}

		/** Returns to try again, or throws the translated failure. */
		void failed(RuntimeException ex) {
			Path directory = LmdbReads.this.engine.directory();
			if (ex instanceof Env.ReadersFullException) {
				long pause = ReaderSlots.pause(this.deadline, ++this.tableFull);
				if (pause == 0) {
					throw LmdbErrors.translate(ex, this.action, directory);
				}
				try {
					LmdbReads.this.pool.awaitGiven(pause);
				}
				catch (InterruptedException interrupted) {
					Thread.currentThread().interrupt();
					throw LmdbReads.this.slots.interrupted(interrupted);
				}
			}
			else if (ex instanceof Dbi.MapResizedException && ++this.adopted <= MAX_MAP_ADOPTIONS) {
				LmdbReads.this.engine.adoptWriterMapSize();
			}
			else {
				throw LmdbErrors.translate(ex, this.action, directory);
			}
		}

	}

}

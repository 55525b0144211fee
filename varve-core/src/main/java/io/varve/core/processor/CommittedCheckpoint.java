package io.varve.core.processor;

import java.lang.System.Logger.Level;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * A processor's committed checkpoint as its commits complete, the failure of one of them
 * until its thread takes it, and the threads waiting for the checkpoint. Completions of
 * commits made before a reset or restart (an older epoch) are ignored.
 */
final class CommittedCheckpoint {

	private static final System.Logger LOG = System.getLogger(CommittedCheckpoint.class.getName());

	private final String processor;

	private final ReentrantLock lock = new ReentrantLock();

	private final Condition changed = this.lock.newCondition();

	private long committed;

	private int epoch;

	private CommitFailure failure;

	private int failedInARow;

	CommittedCheckpoint(String processor) {
		this.processor = processor;
	}

	/** The committed checkpoint. */
	long committed() {
		this.lock.lock();
		try {
			return this.committed;
		}
		finally {
			this.lock.unlock();
		}
	}

	/** Starts a new epoch at a position, forgetting failures. */
	void startEpoch(long position) {
		this.lock.lock();
		try {
			this.epoch++;
			this.committed = position;
			this.failure = null;
			this.failedInARow = 0;
			this.changed.signalAll();
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Forgets a failure not taken yet, once every commit has completed.
	 * @return the committed checkpoint
	 */
	long settled() {
		this.lock.lock();
		try {
			this.failure = null;
			return this.committed;
		}
		finally {
			this.lock.unlock();
		}
	}

	int epoch() {
		this.lock.lock();
		try {
			return this.epoch;
		}
		finally {
			this.lock.unlock();
		}
	}

	/** A commit of an epoch stored a position. */
	void stored(long position, int at) {
		int failed;
		this.lock.lock();
		try {
			if (at != this.epoch) {
				return;
			}
			failed = this.failedInARow;
			this.failedInARow = 0;
			if (position > this.committed) {
				this.committed = position;
				this.changed.signalAll();
			}
		}
		finally {
			this.lock.unlock();
		}
		if (failed > 0) {
			LOG.log(Level.INFO, "Processor '" + this.processor + "' commits again after " + failed + " failed "
					+ ((failed == 1) ? "commit" : "commits"));
		}
	}

	/** A commit of an epoch failed. */
	void failed(CommitFailure failure, int at) {
		this.lock.lock();
		try {
			if (at != this.epoch) {
				// A commit from before a reset or restart: what it carried is dropped.
				return;
			}
			if (this.failure == null) {
				this.failure = failure;
			}
			this.changed.signalAll();
		}
		finally {
			this.lock.unlock();
		}
	}

	/** A failure of a commit that was not waited for, taken once. */
	CommitFailure takeFailure() {
		this.lock.lock();
		try {
			CommitFailure taken = this.failure;
			this.failure = null;
			return taken;
		}
		finally {
			this.lock.unlock();
		}
	}

	/** Whether a failure waits to be taken. */
	boolean hasFailure() {
		this.lock.lock();
		try {
			return this.failure != null;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Counts a failed commit that the thread has taken and reported; the count goes back
	 * to zero when one of its commits is stored.
	 * @return the commits failed in a row
	 */
	int countFailure() {
		this.lock.lock();
		try {
			return ++this.failedInARow;
		}
		finally {
			this.lock.unlock();
		}
	}

	/** Failed commits the thread has taken since the last one that was stored. */
	int failedInARow() {
		this.lock.lock();
		try {
			return this.failedInARow;
		}
		finally {
			this.lock.unlock();
		}
	}

	/** Wakes waiters, to look at the processor's state again. */
	void wake() {
		this.lock.lock();
		try {
			this.changed.signalAll();
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Waits until the committed checkpoint reaches a position.
	 * @param position the position
	 * @param nanos the longest wait
	 * @param giveUp checked on every change; true stops the wait
	 * @return whether the position was reached
	 */
	boolean await(long position, long nanos, BooleanSupplier giveUp) throws InterruptedException {
		long remaining = nanos;
		this.lock.lock();
		try {
			while (this.committed < position) {
				if (giveUp.getAsBoolean() || remaining <= 0) {
					return false;
				}
				remaining = this.changed.awaitNanos(remaining);
			}
			return true;
		}
		finally {
			this.lock.unlock();
		}
	}

}

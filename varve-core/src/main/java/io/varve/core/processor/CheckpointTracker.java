package io.varve.core.processor;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * A processor's committed checkpoint, the commits that move it, and the threads waiting
 * for it.
 *
 * <p>
 * Commits that carry projection writes or parked entries are queued and waited for just
 * before the next commit: the next batch is handled meanwhile, reading those writes from
 * the queued batch's buffer ({@link #pipelinedWrites()}), and its own commit is queued
 * only once the previous one succeeded, so a failed commit is never built upon. Commits
 * that only move the checkpoint are not waited for at all: they are queued and the
 * processor goes on, with at most one in flight and, while the processor is busy, at most
 * one per {@link #LAZY_INTERVAL_NANOS}; a newer position replaces a held-back one, which
 * goes out as soon as the processor catches up, pauses or stops. With durable commits
 * every group is an fsync, and waiting for one per batch would bound catch-up by the
 * disk. Should the process die first, the events since the stored checkpoint are handled
 * again, which is the at-least-once promise for handlers without projection writes.
 *
 * <p>
 * Commits are submitted by whoever holds the processor's batch lock, so they reach the
 * writer in order and the stored checkpoint only moves forward, except through a reset,
 * which starts a new epoch: completions of older commits are then ignored.
 */
final class CheckpointTracker {

	/** Shortest time between two checkpoint-only commits of a busy processor. */
	static final long LAZY_INTERVAL_NANOS = 20_000_000L;

	private final String processor;

	private final ProcessorServices services;

	private final ReentrantLock lock = new ReentrantLock();

	private final Condition changed = this.lock.newCondition();

	// Guarded by lock.
	private long committed;

	private int epoch;

	private RuntimeException failure;

	// Owned by the batch lock holder.
	private CompletableFuture<?> inFlight;

	/** A batch's commit with projection writes, queued and not waited for yet. */
	private CompletableFuture<?> pipelined;

	/** The writes of {@link #pipelined}, which the next batch reads beneath its own. */
	private ProjectionBuffer pipelinedWrites;

	private long pending = -1;

	private long lastSubmitNanos = System.nanoTime() - LAZY_INTERVAL_NANOS;

	CheckpointTracker(String processor, ProcessorServices services) {
		this.processor = processor;
		this.services = services;
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

	/**
	 * Starts a new epoch at a position, dropping queued positions: after loading the
	 * stored checkpoint, or after a reset committed.
	 */
	void restartAt(long position) {
		this.pending = -1;
		this.inFlight = null;
		this.pipelined = null;
		this.pipelinedWrites = null;
		this.lock.lock();
		try {
			this.epoch++;
			this.committed = position;
			this.failure = null;
			this.changed.signalAll();
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Commits and waits.
	 * @param commit the commit
	 * @param checkpoint the checkpoint it stores, or -1
	 * @return the change in parked entries
	 */
	long commitNow(ProcessorCommit commit, long checkpoint) {
		return commitNow(commit, checkpoint, null);
	}

	/**
	 * Commits and waits.
	 * @param commit the commit
	 * @param checkpoint the checkpoint it stores, or -1
	 * @param committed told the change in parked entries before waiters see the new
	 * checkpoint, so that they see counters that match it
	 * @return the change in parked entries
	 */
	long commitNow(ProcessorCommit commit, long checkpoint, java.util.function.LongConsumer committed) {
		awaitPipelined();
		int at = epoch();
		long delta = ProcessorServices.await(this.services.submit(commit));
		if (committed != null) {
			committed.accept(delta);
		}
		if (checkpoint >= 0) {
			if (this.pending <= checkpoint) {
				this.pending = -1;
			}
			advanced(checkpoint, at);
		}
		return delta;
	}

	/**
	 * Queues a batch's commit with projection writes and returns: the next batch is
	 * handled while it commits, reading these writes beneath its own
	 * ({@link #pipelinedWrites()}). The previous such commit is waited for first, so a
	 * batch's commit is queued only after the one whose writes it read has succeeded; if
	 * that one failed, this throws its failure and nothing more is queued.
	 * @param commit the commit (queued as async, completed off the writer thread)
	 * @param writes its projection writes
	 * @param checkpoint the checkpoint it stores
	 * @param committed told the change in parked entries before waiters see the new
	 * checkpoint
	 */
	void commitPipelined(ProcessorCommit commit, ProjectionBuffer writes, long checkpoint,
			java.util.function.LongConsumer committed) {
		awaitPipelined();
		int at = epoch();
		if (this.pending <= checkpoint) {
			this.pending = -1;
		}
		this.pipelinedWrites = writes;
		this.pipelined = this.services.submit(commit).whenComplete((delta, ex) -> {
			if (ex == null) {
				committed.accept(delta);
				advanced(checkpoint, at);
			}
			else {
				failed((ex instanceof RuntimeException runtime) ? runtime
						: new IllegalStateException("Projection commit failed", ex));
			}
		});
	}

	/**
	 * The projection writes of the commit in flight, or null.
	 * @return the writes
	 */
	ProjectionBuffer pipelinedWrites() {
		return this.pipelinedWrites;
	}

	/**
	 * Waits for the queued projection commit, if any.
	 * @throws RuntimeException its failure
	 */
	void awaitPipelined() {
		CompletableFuture<?> last = this.pipelined;
		if (last == null) {
			return;
		}
		this.pipelined = null;
		this.pipelinedWrites = null;
		ProcessorServices.await(last);
	}

	/**
	 * Moves the checkpoint without waiting, now or a little later (see the class
	 * comment).
	 */
	void commitLater(long checkpoint) {
		this.pending = checkpoint;
		if ((this.inFlight == null || this.inFlight.isDone())
				&& System.nanoTime() - this.lastSubmitNanos >= LAZY_INTERVAL_NANOS) {
			submitPending();
		}
	}

	/**
	 * Queues a held-back position, if any, without waiting for it; a queued projection
	 * commit is waited for first.
	 */
	void submitPending() {
		awaitPipelined();
		if (this.pending < 0) {
			return;
		}
		long position = this.pending;
		this.pending = -1;
		this.lastSubmitNanos = System.nanoTime();
		int at = epoch();
		this.inFlight = this.services.submit(new ProcessorCommit(true, this.processor, position))
			.whenComplete((result, ex) -> {
				if (ex == null) {
					advanced(position, at);
				}
				else {
					failed((ex instanceof RuntimeException runtime) ? runtime
							: new IllegalStateException("Checkpoint commit failed", ex));
				}
			});
	}

	/** Queues a held-back position and waits until everything queued has committed. */
	void flush() {
		submitPending();
		CompletableFuture<?> last = this.inFlight;
		if (last != null) {
			try {
				ProcessorServices.await(last);
			}
			catch (RuntimeException ex) {
				// Recorded by the completion; the caller looks at takeFailure().
			}
		}
	}

	/** A failure of a commit that was not waited for, taken once. */
	RuntimeException takeFailure() {
		this.lock.lock();
		try {
			RuntimeException taken = this.failure;
			this.failure = null;
			return taken;
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

	private int epoch() {
		this.lock.lock();
		try {
			return this.epoch;
		}
		finally {
			this.lock.unlock();
		}
	}

	private void advanced(long position, int at) {
		this.lock.lock();
		try {
			if (at == this.epoch && position > this.committed) {
				this.committed = position;
				this.changed.signalAll();
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	private void failed(RuntimeException ex) {
		this.lock.lock();
		try {
			this.failure = ex;
			this.changed.signalAll();
		}
		finally {
			this.lock.unlock();
		}
	}

	static long nanos(java.time.Duration duration) {
		try {
			return duration.toNanos();
		}
		catch (ArithmeticException ex) {
			return TimeUnit.DAYS.toNanos(365 * 100);
		}
	}

}

package io.varve.core.processor;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * The commits that move a processor's checkpoint; what they stored is in
 * {@link CommittedCheckpoint}.
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
 * A commit that fails wrote nothing. Its failure is kept for the processor's thread
 * ({@link CommittedCheckpoint#takeFailure()}), which drops everything not committed
 * ({@link #rewind()}) and handles those events again from the committed checkpoint: a
 * batch handled on top of a failed commit is never committed, and each event reaches the
 * projections exactly once.
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

	/** Counts the events of checkpoint-only commits once they are stored. */
	private final AtomicLong eventsHandled;

	private final CommittedCheckpoint state;

	// Owned by the batch lock holder.
	private CompletableFuture<?> inFlight;

	/** A batch's commit with projection writes, queued and not waited for yet. */
	private CompletableFuture<?> pipelined;

	/** The writes of {@link #pipelined}, which the next batch reads beneath its own. */
	private ProjectionBuffer pipelinedWrites;

	private long pending = -1;

	/** Events handled in the batches up to {@link #pending}. */
	private long pendingHandled;

	private long lastSubmitNanos = System.nanoTime() - LAZY_INTERVAL_NANOS;

	CheckpointTracker(String processor, ProcessorServices services, AtomicLong eventsHandled) {
		this.processor = processor;
		this.services = services;
		this.eventsHandled = eventsHandled;
		this.state = new CommittedCheckpoint(processor);
	}

	/** The committed checkpoint, its failures and its waiters. */
	CommittedCheckpoint state() {
		return this.state;
	}

	/**
	 * Starts a new epoch at a position, dropping queued positions: after loading the
	 * stored checkpoint, or after a reset committed.
	 */
	void restartAt(long position) {
		dropUncommitted();
		this.state.startEpoch(position);
	}

	/**
	 * After a failed commit: waits for the commits still queued (each stores or fails
	 * whole), drops the positions held back and the failures seen meanwhile, and returns
	 * the committed checkpoint, after which the thread handles events again.
	 * @return the committed checkpoint
	 */
	long rewind() {
		awaitQuietly(this.pipelined);
		awaitQuietly(this.inFlight);
		dropUncommitted();
		return this.state.settled();
	}

	private void dropUncommitted() {
		this.pending = -1;
		this.pendingHandled = 0;
		this.inFlight = null;
		this.pipelined = null;
		this.pipelinedWrites = null;
	}

	private static void awaitQuietly(CompletableFuture<?> commit) {
		if (commit != null) {
			try {
				ProcessorServices.await(commit);
			}
			catch (RuntimeException ex) {
				// Recorded by its completion.
			}
		}
	}

	/**
	 * Commits an operation's change (start, reset, a parked event) and waits; it does not
	 * move the thread's checkpoint, and its failure goes to the caller.
	 * @param commit the commit
	 * @return the change in parked entries
	 */
	long commitNow(ProcessorCommit commit) {
		awaitPipelined();
		return ProcessorServices.await(this.services.submit(commit));
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
	void commitPipelined(ProcessorCommit commit, ProjectionBuffer writes, long checkpoint, LongConsumer committed) {
		awaitPipelined();
		int at = this.state.epoch();
		long handledBefore = 0;
		if (this.pending <= checkpoint) {
			// This commit stores the held-back position too.
			this.pending = -1;
			handledBefore = this.pendingHandled;
			this.pendingHandled = 0;
		}
		long alsoHandled = handledBefore;
		this.pipelinedWrites = writes;
		this.pipelined = this.services.submit(commit).whenComplete((delta, ex) -> {
			if (ex == null) {
				this.eventsHandled.addAndGet(alsoHandled);
				committed.accept(delta);
				this.state.stored(checkpoint, at);
			}
			else {
				this.state.failed(CommitFailure.ofCheckpoint(checkpoint, true, ex), at);
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
	 * @param checkpoint the new checkpoint
	 * @param handled the events handled since the last one, counted once stored
	 */
	void commitLater(long checkpoint, int handled) {
		this.pending = checkpoint;
		this.pendingHandled += handled;
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
		long handled = this.pendingHandled;
		this.pending = -1;
		this.pendingHandled = 0;
		this.lastSubmitNanos = System.nanoTime();
		int at = this.state.epoch();
		this.inFlight = this.services.submit(new ProcessorCommit(true, this.processor, position))
			.whenComplete((result, ex) -> {
				if (ex == null) {
					// Counted first: a waiter woken by the new checkpoint sees the count.
					this.eventsHandled.addAndGet(handled);
					this.state.stored(position, at);
				}
				else {
					this.state.failed(CommitFailure.ofCheckpoint(position, false, ex), at);
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
				// Recorded by the completion, for the thread to take.
			}
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

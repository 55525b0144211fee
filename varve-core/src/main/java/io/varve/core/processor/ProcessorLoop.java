package io.varve.core.processor;

import java.lang.System.Logger.Level;
import java.util.function.BooleanSupplier;

import org.jspecify.annotations.Nullable;

import io.varve.VarveClosedException;
import io.varve.core.read.EventReader;
import io.varve.core.codec.EnvelopeFilter;
import io.varve.processor.ProcessorDefinition;
import io.varve.processor.ProcessorError;

/**
 * What a processor's thread does: read a batch after the checkpoint in a short snapshot,
 * hand its events to the handler with no snapshot open ({@link BatchRun}), commit what
 * the batch came to, and go on; when there is nothing after the checkpoint, or the
 * processor is paused, wait for a signal. Each batch runs under the batch lock. Its
 * {@link ProcessorPhase} says when to wait and when to end; when it ends it moves the
 * phase on itself.
 */
final class ProcessorLoop implements Runnable {

	private static final System.Logger LOG = System.getLogger(ProcessorLoop.class.getName());

	/** Most envelopes looked at per snapshot when few match the filter. */
	static final int SCAN_LIMIT = 8192;

	/**
	 * Shortest wait before a failed commit is tried again, so that a retry policy without
	 * waits does not spin on a full disk.
	 */
	static final long MIN_COMMIT_RETRY_MILLIS = 100;

	private final ProcessorDefinition definition;

	private final EnvelopeFilter filter;

	private final ProcessorServices services;

	private final ProcessorLifecycle lifecycle;

	private final WorkerSignals signals;

	private final CheckpointTracker checkpoints;

	private final ProcessorCounters counters;

	private final ProcessorProgress progress;

	private final BooleanSupplier stopRequested;

	private final BooleanSupplier shouldYield;

	/** The threads that share batches, for a processor with concurrency above 1. */
	private final @Nullable ParallelBatches parallel;

	/**
	 * @param definition the processor
	 * @param services its store
	 * @param lifecycle its phase, which says when to wait and when to end
	 * @param signals how it waits and is woken
	 * @param checkpoints its commits
	 * @param counters what it counts
	 * @param progress how far it has got, where it goes on from
	 */
	ProcessorLoop(ProcessorDefinition definition, ProcessorServices services, ProcessorLifecycle lifecycle,
			WorkerSignals signals, CheckpointTracker checkpoints, ProcessorCounters counters,
			ProcessorProgress progress) {
		this.definition = definition;
		this.filter = definition.asStored() ? EnvelopeFilter.of(definition.filter())
				: services.reader().compile(definition.filter());
		this.services = services;
		this.lifecycle = lifecycle;
		this.signals = signals;
		this.checkpoints = checkpoints;
		this.counters = counters;
		this.progress = progress;
		this.stopRequested = () -> lifecycle.phase().isStopRequested();
		// A retry wait of the batch in hand ends when its phase moves away from RUNNING
		// (paused, asked to stop) or an operation waits for the batch lock.
		this.shouldYield = () -> lifecycle.phase() != ProcessorPhase.RUNNING || signals.isControlWaiting();
		this.parallel = (definition.concurrency() > 1)
				? new ParallelBatches(definition, counters, services, this.shouldYield) : null;
	}

	@Override
	public void run() {
		ProcessorError failure = null;
		try {
			this.counters.holds.reload(this.services, this.definition);
			while (!this.stopRequested.getAsBoolean()) {
				this.signals.clearSignal();
				boolean wait = false;
				boolean atHead = false;
				long retryNanos = 0;
				this.signals.lockForBatch();
				try {
					if (this.stopRequested.getAsBoolean()) {
						break;
					}
					CommitFailure commitFailure = this.checkpoints.state().takeFailure();
					if (commitFailure != null) {
						if (commitFailure.cause() instanceof VarveClosedException closed) {
							throw closed;
						}
						if (!commitFailure.isTransient()) {
							failure = failed(commitFailure);
							break;
						}
						retryNanos = rewind(commitFailure);
					}
					else if (this.lifecycle.phase().isPaused()) {
						this.checkpoints.submitPending();
						wait = true;
					}
					else {
						long handled = this.progress.handled();
						// What is published: a read that passed the read barrier would
						// have the writer publish its batch for every batch read here.
						EventReader.Batch batch = this.services.reader()
							.readPublishedBatch(handled + 1, this.definition.batchSize(),
									Math.max(SCAN_LIMIT, this.definition.batchSize()), this.filter,
									this.definition.asStored(), this.definition.receiveDeletions());
						wait = batch.lastScanned() <= handled;
						atHead = wait;
						if (wait) {
							this.progress.reachedHead();
							this.checkpoints.submitPending();
						}
						else {
							BatchOutcome outcome = handle(batch);
							commit(outcome);
							if (outcome.failure() != null) {
								failure = outcome.failure();
								break;
							}
						}
					}
				}
				catch (RuntimeException ex) {
					if (!this.checkpoints.state().hasFailure()) {
						throw ex;
					}
					// An earlier commit failed: what was handled on top of it is
					// dropped, and the next round rewinds.
					wait = false;
				}
				finally {
					this.signals.unlock();
				}
				if (retryNanos > 0) {
					this.signals.awaitRetry(retryNanos, this.stopRequested);
				}
				else if (atHead) {
					// Woken by the next publish, which comes sooner while it waits.
					this.services.followerWaiting();
					try {
						this.signals.awaitSignal(this.stopRequested);
					}
					finally {
						this.services.followerDone();
					}
				}
				else if (wait) {
					this.signals.awaitSignal(this.stopRequested);
				}
			}
		}
		catch (VarveClosedException ex) {
			LOG.log(Level.DEBUG, () -> "Processor '" + this.definition.name() + "' stops: the store closed");
		}
		catch (Throwable ex) {
			failure = this.counters.recordError(ex, null, 0);
			LOG.log(Level.ERROR, "Processor '" + this.definition.name() + "' is FAILED: " + ex, ex);
		}
		finally {
			exit(failure);
		}
	}

	/**
	 * Drops what was not committed and moves the handled position back to the committed
	 * checkpoint, so that the next rounds handle those events again.
	 * @return how long to wait before that
	 */
	private long rewind(CommitFailure commitFailure) {
		long checkpoint = this.checkpoints.rewind();
		this.progress.rewound(checkpoint);
		this.counters.holds.reload(this.services, this.definition);
		int inARow = this.checkpoints.state().failedInARow() + 1;
		long backoff = Math.max(this.definition.retryPolicy().backoff(inARow).toMillis(), MIN_COMMIT_RETRY_MILLIS);
		String message = commitFailure.describe() + ". Nothing of it was stored: the processor handles the events "
				+ "after position " + checkpoint + " again and commits in " + backoff + " ms (" + inARow + " failed "
				+ ((inARow == 1) ? "commit" : "commits in a row") + "), and goes on by itself once writes succeed";
		this.counters.recordCommitFailure(message, commitFailure, inARow);
		// Counted once reported: a RETRYING status comes with this error.
		this.checkpoints.state().countFailure();
		if (inARow == 1) {
			LOG.log(Level.WARNING, "Processor '" + this.definition.name() + "': " + message, commitFailure.cause());
		}
		else {
			LOG.log(Level.DEBUG, () -> "Processor '" + this.definition.name() + "': " + message);
		}
		return backoff * 1_000_000L;
	}

	private ProcessorError failed(CommitFailure commitFailure) {
		String message = commitFailure.describe() + "; the processor is FAILED: fix the cause and restart it";
		LOG.log(Level.ERROR, "Processor '" + this.definition.name() + "': " + message, commitFailure.cause());
		return this.counters.recordCommitFailure(message, commitFailure, 1);
	}

	private void exit(ProcessorError failure) {
		try {
			this.signals.lockForBatch();
			try {
				this.checkpoints.flush();
			}
			finally {
				this.signals.unlock();
			}
		}
		catch (RuntimeException ex) {
			LOG.log(Level.WARNING, "Processor '" + this.definition.name() + "' could not store its last checkpoint "
					+ "while stopping; the events since the stored one will be handled again", ex);
		}
		finally {
			if (this.parallel != null) {
				this.parallel.close();
			}
			this.lifecycle.exited(failure != null);
			// Waiters for a checkpoint give up on a FAILED processor.
			this.checkpoints.state().wake();
		}
	}

	/**
	 * A batch that reads the previous batch's writes beneath its own while their commit
	 * is in flight.
	 */
	private BatchOutcome handle(EventReader.Batch batch) {
		ProjectionBuffer inFlight = this.checkpoints.pipelinedWrites();
		CommittedProjections committed = this.services.committed();
		ProjectionLayer lower = (inFlight != null) ? new BufferedLayer(inFlight, committed) : committed;
		if (this.parallel != null) {
			return this.parallel.run(batch, lower);
		}
		return new BatchRun(this.definition, this.counters, this.shouldYield, lower, this.services,
				this.services.tables()::prefix)
			.run(batch);
	}

	/**
	 * Commits a batch's outcome. Batches without projection writes or parked events are
	 * not waited for (see {@link CheckpointTracker}); the others are queued and waited
	 * for before the next commit, so the next batch is handled while they commit.
	 */
	private void commit(BatchOutcome outcome) {
		long checkpoint = outcome.checkpoint();
		if (outcome.movesCheckpointOnly()) {
			if (checkpoint > this.progress.handled()) {
				this.checkpoints.commitLater(checkpoint, outcome.handled());
			}
		}
		else {
			this.checkpoints.commitPipelined(outcome.commit(this.definition.name(), this.services.tables()),
					outcome.writes(), checkpoint, (parkedDelta) -> {
						this.counters.parked.addAndGet(parkedDelta);
						this.counters.eventsHandled.addAndGet(outcome.handled());
					});
		}
		this.progress.advanced(checkpoint);
	}

}

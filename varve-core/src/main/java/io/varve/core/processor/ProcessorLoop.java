package io.varve.core.processor;

import java.lang.System.Logger.Level;
import java.util.List;

import io.varve.VarveClosedException;
import io.varve.core.EventReader;
import io.varve.processor.ParkedEvent;
import io.varve.processor.ProcessorDefinition;
import io.varve.processor.ProcessorError;

/**
 * What a processor's thread does: read a batch after the checkpoint in a short snapshot,
 * hand its events to the handler with no snapshot open ({@link BatchRun}), commit, and go
 * on; when there is nothing after the checkpoint, wait for a signal. Each batch runs
 * under the batch lock.
 */
final class ProcessorLoop implements Runnable {

	private static final System.Logger LOG = System.getLogger(ProcessorLoop.class.getName());

	/** Most envelopes looked at per snapshot when few match the filter. */
	private static final int SCAN_LIMIT = 8192;

	/**
	 * Shortest wait before a failed commit is tried again, so that a retry policy without
	 * waits does not spin on a full disk.
	 */
	static final long MIN_COMMIT_RETRY_MILLIS = 100;

	private final ProcessorRunner runner;

	private final ProcessorDefinition definition;

	private final ProcessorServices services;

	private final WorkerSignals signals;

	private final CheckpointTracker checkpoints;

	private final ProcessorCounters counters;

	ProcessorLoop(ProcessorRunner runner) {
		this.runner = runner;
		this.definition = runner.definition();
		this.services = runner.services();
		this.signals = runner.signals();
		this.checkpoints = runner.checkpoints();
		this.counters = runner.counters();
	}

	@Override
	public void run() {
		ProcessorError failure = null;
		try {
			while (!this.signals.isStopRequested()) {
				this.signals.clearSignal();
				boolean wait = false;
				long retryNanos = 0;
				this.signals.lockForBatch();
				try {
					if (this.signals.isStopRequested()) {
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
					else if (this.signals.isPaused()) {
						this.checkpoints.submitPending();
						wait = true;
					}
					else {
						long handled = this.runner.handled();
						EventReader.Batch batch = this.services.reader()
							.readBatch(handled + 1, this.definition.batchSize(),
									Math.max(SCAN_LIMIT, this.definition.batchSize()), this.runner.filter());
						wait = batch.lastScanned() <= handled;
						if (wait) {
							this.runner.reachedHead();
							this.checkpoints.submitPending();
						}
						else {
							failure = new BatchRun(this.runner, this).run(batch);
							if (failure != null) {
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
					this.signals.awaitRetry(retryNanos);
				}
				else if (wait) {
					this.signals.awaitSignal();
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
		this.runner.rewound(checkpoint);
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
			this.runner.exited(failure);
		}
	}

	/**
	 * Commits a batch's outcome. Batches without projection writes or parked events are
	 * not waited for (see {@link CheckpointTracker}); the others are queued and waited
	 * for before the next commit, so the next batch is handled while they commit.
	 */
	void commitBatch(ProjectionBuffer buffer, List<ParkedEvent> parkedEvents, long checkpoint, int handledCount) {
		String name = this.definition.name();
		if (buffer.isEmpty() && parkedEvents.isEmpty()) {
			if (checkpoint > this.runner.handled()) {
				this.checkpoints.commitLater(checkpoint, handledCount);
			}
		}
		else {
			ProcessorCommit commit = new ProcessorCommit(true, name, checkpoint).projections(buffer);
			parkedEvents.forEach(
					(entry) -> commit.park(ProcessorKeys.parked(name, entry.position()), ParkedRecord.encode(entry)));
			this.checkpoints.commitPipelined(commit, buffer, checkpoint, (parkedDelta) -> {
				this.counters.parked.addAndGet(parkedDelta);
				this.counters.eventsHandled.addAndGet(handledCount);
			});
		}
		this.runner.advanced(checkpoint);
	}

}

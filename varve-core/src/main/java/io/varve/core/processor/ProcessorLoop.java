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
				boolean wait;
				this.signals.lockForBatch();
				try {
					if (this.signals.isStopRequested()) {
						break;
					}
					RuntimeException commitFailure = this.checkpoints.takeFailure();
					if (commitFailure != null) {
						failure = this.counters.recordError(commitFailure, null, 0);
						LOG.log(Level.ERROR, "Processor '" + this.definition.name() + "' is FAILED: a commit failed",
								commitFailure);
						break;
					}
					if (this.signals.isPaused()) {
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
				finally {
					this.signals.unlock();
				}
				if (wait) {
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
			// Counted first: a waiter woken by the commit sees the count.
			this.counters.eventsHandled.addAndGet(handledCount);
			if (checkpoint > this.runner.handled()) {
				this.checkpoints.commitLater(checkpoint);
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

package io.varve.core.processor;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

import io.varve.RecordedEvent;
import io.varve.core.EventReader;
import io.varve.processor.ErrorPolicy;
import io.varve.processor.ParkedEvent;
import io.varve.processor.ProcessorDefinition;
import io.varve.processor.ProcessorError;
import io.varve.processor.RetryPolicy;

/**
 * Handles one batch of events: each event with its retries, then the error policy, then
 * one commit of the projection writes, parked entries and checkpoint. Runs with the
 * processor's batch lock held.
 */
final class BatchRun {

	private static final System.Logger LOG = System.getLogger(BatchRun.class.getName());

	private final ProcessorRunner runner;

	private final ProcessorLoop loop;

	private final ProcessorDefinition definition;

	private final ProjectionBuffer buffer = new ProjectionBuffer();

	private final HandlerContext context;

	private final List<ParkedEvent> parked = new ArrayList<>();

	private int handledCount;

	BatchRun(ProcessorRunner runner, ProcessorLoop loop) {
		this.runner = runner;
		this.loop = loop;
		this.definition = runner.definition();
		ProcessorServices services = runner.services();
		// Beneath this batch's writes: those of the previous batch while its commit is
		// in flight, then the committed store.
		ProjectionBuffer inFlight = runner.checkpoints().pipelinedWrites();
		ProjectionLayer lower = (inFlight != null) ? new BufferedLayer(inFlight, services.committed())
				: services.committed();
		this.context = new HandlerContext(this.definition.name(),
				new BufferedProjectionStore(this.buffer, lower, services.committed(), services.codec()));
	}

	/**
	 * Handles a batch and commits it.
	 * @param batch the batch read after the checkpoint
	 * @return the failure that stops the processor, or null
	 */
	ProcessorError run(EventReader.Batch batch) {
		for (RecordedEvent event : batch.events()) {
			Outcome outcome = handle(event);
			if (outcome == Outcome.FAILED || outcome == Outcome.INTERRUPTED) {
				// Everything before this event is handled or filtered out.
				commit(event.position() - 1);
				return (outcome == Outcome.FAILED) ? this.runner.counters().lastError() : null;
			}
		}
		commit(batch.lastScanned());
		return null;
	}

	private Outcome handle(RecordedEvent event) {
		RetryPolicy retry = this.definition.retryPolicy();
		for (int attempt = 1;; attempt++) {
			this.context.attempt(attempt);
			try {
				this.definition.handler().handle(event, this.context);
				this.buffer.acceptEvent();
				this.handledCount++;
				return Outcome.HANDLED;
			}
			catch (Throwable ex) {
				this.buffer.discardEvent();
				ProcessorError error = this.runner.counters().recordError(ex, event, attempt);
				if (ex instanceof VirtualMachineError) {
					LOG.log(Level.ERROR, "Processor '" + this.definition.name() + "' stops: fatal error at position "
							+ event.position(), ex);
					return Outcome.FAILED;
				}
				if (attempt >= retry.maxAttempts()) {
					return giveUp(event, ex, error);
				}
				LOG.log(Level.DEBUG, () -> "Processor '" + this.definition.name() + "' retries the event at position "
						+ event.position() + " after: " + ex);
				if (!backOff(retry.backoff(attempt).toNanos())) {
					return Outcome.INTERRUPTED;
				}
			}
		}
	}

	private Outcome giveUp(RecordedEvent event, Throwable ex, ProcessorError error) {
		if (this.definition.errorPolicy() == ErrorPolicy.PARK) {
			LOG.log(Level.WARNING,
					"Processor '" + this.definition.name() + "' parks the event at position " + event.position() + " ("
							+ event.type() + ", id " + event.id() + ") after " + error.attempts() + " attempts",
					ex);
			this.parked.add(parkedEntry(event, error));
			this.handledCount++;
			return Outcome.PARKED;
		}
		LOG.log(Level.ERROR,
				"Processor '" + this.definition.name() + "' is FAILED at position " + event.position() + " ("
						+ event.type() + ", id " + event.id() + ") after " + error.attempts()
						+ " attempts; fix the cause and restart it",
				ex);
		return Outcome.FAILED;
	}

	ParkedEvent parkedEntry(RecordedEvent event, ProcessorError error) {
		return new ParkedEvent(this.definition.name(), event.position(), event.id(), event.stream(), event.type(),
				error.message(), error.errorType(), error.attempts(), error.at());
	}

	/** Waits before a retry; gives up early when asked to stop, pause or yield. */
	private boolean backOff(long nanos) {
		long deadline = System.nanoTime() + nanos;
		while (true) {
			if (this.runner.signals().shouldYield()) {
				return false;
			}
			long remaining = deadline - System.nanoTime();
			if (remaining <= 0) {
				return true;
			}
			LockSupport.parkNanos(this, remaining);
		}
	}

	private void commit(long checkpoint) {
		this.loop.commitBatch(this.buffer, this.parked, checkpoint, this.handledCount);
	}

	private enum Outcome {

		HANDLED, PARKED, FAILED, INTERRUPTED

	}

}

package io.varve.core.processor;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import io.varve.RecordedEvent;
import io.varve.core.read.EventReader;
import org.jspecify.annotations.Nullable;

import io.varve.processor.BatchBarrier;
import io.varve.processor.BatchIncompleteException;
import io.varve.processor.ErrorPolicy;
import io.varve.processor.ParkedEvent;
import io.varve.processor.ProcessorDefinition;
import io.varve.processor.ProcessorError;
import io.varve.processor.RetryPolicy;

/**
 * Handles one batch of events: each event with its retries, then the error policy. It
 * returns what the batch came to ({@link BatchOutcome}) and commits nothing: the
 * processor's thread decides how to commit it. Runs with the processor's batch lock held.
 */
final class BatchRun {

	private static final System.Logger LOG = System.getLogger(BatchRun.class.getName());

	private final ProcessorDefinition definition;

	private final ProcessorCounters counters;

	private final ProcessorServices services;

	private final BooleanSupplier shouldYield;

	private final ProjectionBuffer buffer = new ProjectionBuffer();

	private final HandlerContext context;

	private final List<ParkedEvent> parked = new ArrayList<>();

	private int handledCount;

	/**
	 * Whether this is one thread's attempt at a parallel batch, which decides nothing.
	 */
	private final boolean attemptOnly;

	/** Names the processor, or its rebuild, in messages. */
	private final String who;

	/**
	 * @param definition the processor
	 * @param counters where errors are counted
	 * @param shouldYield whether a retry wait should end early (stop, pause, or an
	 * operation waits for the batch lock)
	 * @param lower what the handler reads beneath this batch's writes: the committed
	 * store, under the writes of the previous batch while its commit is in flight
	 * @param services the store, which decodes and encodes projection values and calls
	 * the handler inside the listeners' scopes
	 * @param tables where the handler's tables are: the live generation, or the one a
	 * rebuild fills
	 */
	BatchRun(ProcessorDefinition definition, ProcessorCounters counters, BooleanSupplier shouldYield,
			ProjectionLayer lower, ProcessorServices services, TablePrefixes tables) {
		this(definition, counters, shouldYield, lower, services, tables, null);
	}

	/**
	 * A run that notes what the handler reads, for one thread of a parallel batch.
	 * @param reads where the handler's reads are noted, or null
	 */
	BatchRun(ProcessorDefinition definition, ProcessorCounters counters, BooleanSupplier shouldYield,
			ProjectionLayer lower, ProcessorServices services, TablePrefixes tables, @Nullable ReadSet reads) {
		this.definition = definition;
		this.counters = counters;
		this.services = services;
		this.shouldYield = shouldYield;
		this.attemptOnly = reads != null;
		this.who = (tables instanceof ProjectionRebuild) ? "The rebuild of processor '" + definition.name() + "'"
				: "Processor '" + definition.name() + "'";
		BufferedProjectionStore store = new BufferedProjectionStore(this.buffer, lower, services.committed(),
				services.codec(), tables);
		this.context = new HandlerContext(definition.name(), (reads != null) ? store.trackReads(reads) : store);
	}

	/**
	 * Handles a batch.
	 * @param batch the batch read after the checkpoint
	 * @return what to commit, and the failure that stops the processor, if any
	 */
	BatchOutcome run(EventReader.Batch batch) {
		BatchBarrier barrier = this.definition.barrier();
		if (barrier == null || batch.events().isEmpty()) {
			return handleEvents(batch);
		}
		long first = batch.events().get(0).position();
		for (int attempt = 1;; attempt++) {
			BatchOutcome outcome = handleEvents(batch);
			if (outcome.checkpoint() < first) {
				// Nothing of the batch to commit, so nothing to wait for.
				return outcome;
			}
			try {
				barrier.awaitBatch(outcome.checkpoint(), attempt);
				return outcome;
			}
			catch (Throwable ex) {
				BatchOutcome next = barrierFailed(batch, outcome, ex, attempt);
				if (next != null) {
					return next;
				}
			}
		}
	}

	/**
	 * Decides what a failed barrier leads to: null to handle the batch again (after the
	 * backoff), or the outcome to commit.
	 */
	private @Nullable BatchOutcome barrierFailed(EventReader.Batch batch, BatchOutcome handled, Throwable ex,
			int attempt) {
		List<RecordedEvent> events = batch.events();
		long first = events.get(0).position();
		BatchIncompleteException incomplete = (ex instanceof BatchIncompleteException bie) ? bie : null;
		RecordedEvent blamed = events.get(0);
		if (incomplete != null) {
			for (RecordedEvent event : events) {
				if (event.position() == incomplete.position()) {
					blamed = event;
					break;
				}
			}
		}
		ProcessorError error = this.counters.recordError(ex, blamed, attempt);
		// What this pass held and parked is not committed: back to the stored holds.
		this.counters.holds.reload(this.services, this.definition);
		List<ParkedEvent> parkedBefore = new ArrayList<>(this.parked);
		this.buffer.clear();
		this.parked.clear();
		this.handledCount = 0;
		if (handled.failure() != null || ex instanceof VirtualMachineError) {
			return outcome(first - 1, (handled.failure() != null) ? handled.failure() : error);
		}
		if (attempt < this.definition.retryPolicy().maxAttempts()) {
			LOG.log(Level.DEBUG, () -> this.who + " handles the batch from position " + first + " again after: " + ex);
			return backOff(this.definition.retryPolicy().backoff(attempt).toNanos()) ? null : outcome(first - 1, null);
		}
		boolean parks = this.definition.errorPolicy() != ErrorPolicy.STOP && incomplete != null
				&& !incomplete.retriable() && handled.writes().isEmpty() && blamed.position() == incomplete.position();
		if (parks) {
			LOG.log(Level.WARNING, this.who + " parks the event at position " + blamed.position() + " (" + blamed.type()
					+ ", id " + blamed.id() + "): " + ex.getMessage(), ex);
			for (ParkedEvent entry : parkedBefore) {
				if (entry.position() < blamed.position()) {
					this.parked.add(entry);
				}
			}
			this.parked.add(ParkedRecord.entry(this.definition.name(), blamed, error));
			if (this.definition.errorPolicy() == ErrorPolicy.PARK_STREAM) {
				this.counters.holds.parked(blamed.stream(), blamed.position());
			}
			for (RecordedEvent event : events) {
				if (event.position() <= blamed.position()) {
					this.handledCount++;
				}
			}
			return outcome(blamed.position(), null);
		}
		LOG.log(Level.ERROR, this.who + " is FAILED at position " + first + ": its batch did not complete after "
				+ attempt + " attempts; fix the cause and restart it", ex);
		return outcome(first - 1, error);
	}

	private BatchOutcome handleEvents(EventReader.Batch batch) {
		boolean holdsStreams = this.definition.errorPolicy() == ErrorPolicy.PARK_STREAM;
		for (RecordedEvent event : batch.events()) {
			if (holdsStreams) {
				long parkedAt = this.counters.holds.parkedPosition(event.stream());
				if (parkedAt >= 0) {
					if (this.counters.holds.heldCount() >= this.definition.maxHeldEvents()) {
						return outcome(event.position() - 1, tooManyHeld(event, parkedAt));
					}
					// Held back, in order, behind the stream's parked event.
					this.parked.add(ParkedRecord.held(this.definition.name(), event, parkedAt));
					this.counters.holds.held();
					continue;
				}
			}
			Outcome outcome = handle(event);
			if (outcome == Outcome.FAILED || outcome == Outcome.INTERRUPTED) {
				// Everything before this event is handled or filtered out.
				return outcome(event.position() - 1, (outcome == Outcome.FAILED) ? this.counters.lastError() : null);
			}
		}
		return outcome(batch.lastScanned(), null);
	}

	private BatchOutcome outcome(long checkpoint, ProcessorError failure) {
		return new BatchOutcome(checkpoint, this.handledCount, this.buffer, this.parked, failure);
	}

	private Outcome handle(RecordedEvent event) {
		RetryPolicy retry = this.definition.retryPolicy();
		for (int attempt = 1;; attempt++) {
			this.context.attempt(attempt);
			try {
				this.services.handle(this.definition, event, this.context);
				this.buffer.acceptEvent();
				this.handledCount++;
				return Outcome.HANDLED;
			}
			catch (Throwable ex) {
				this.buffer.discardEvent();
				ProcessorError error = this.counters.recordError(ex, event, attempt);
				if (ex instanceof VirtualMachineError) {
					LOG.log(Level.ERROR, this.who + " stops: fatal error at position " + event.position(), ex);
					return Outcome.FAILED;
				}
				if (attempt >= retry.maxAttempts()) {
					return giveUp(event, ex, error);
				}
				LOG.log(Level.DEBUG,
						() -> this.who + " retries the event at position " + event.position() + " after: " + ex);
				if (!backOff(retry.backoff(attempt).toNanos())) {
					return Outcome.INTERRUPTED;
				}
			}
		}
	}

	private ProcessorError tooManyHeld(RecordedEvent event, long parkedAt) {
		String message = this.who + " holds " + this.counters.holds.heldCount()
				+ " events behind parked events, its limit (maxHeldEvents), and would hold the event at position "
				+ event.position() + " of stream '" + event.stream() + "' behind the one parked at " + parkedAt
				+ ": retry or discard the parked events (parked(\"" + this.definition.name()
				+ "\") lists them), or raise the limit, then restart the processor";
		LOG.log(Level.ERROR, message);
		return this.counters.recordError(new io.varve.VarveException(message), event, 1);
	}

	private Outcome giveUp(RecordedEvent event, Throwable ex, ProcessorError error) {
		if (this.attemptOnly) {
			// A parallel attempt: the batch is handled again on one thread, which
			// decides.
			return Outcome.FAILED;
		}
		if (this.definition.errorPolicy() == ErrorPolicy.PARK_STREAM) {
			this.counters.holds.parked(event.stream(), event.position());
		}
		if (this.definition.errorPolicy() != ErrorPolicy.STOP) {
			LOG.log(Level.WARNING, this.who + " parks the event at position " + event.position() + " (" + event.type()
					+ ", id " + event.id() + ") after " + error.attempts() + " attempts", ex);
			this.parked.add(ParkedRecord.entry(this.definition.name(), event, error));
			this.handledCount++;
			return Outcome.PARKED;
		}
		LOG.log(Level.ERROR, this.who + " is FAILED at position " + event.position() + " (" + event.type() + ", id "
				+ event.id() + ") after " + error.attempts() + " attempts; fix the cause and restart it", ex);
		return Outcome.FAILED;
	}

	/** Waits before a retry; gives up early when asked to stop, pause or yield. */
	private boolean backOff(long nanos) {
		long deadline = System.nanoTime() + nanos;
		while (true) {
			if (this.shouldYield.getAsBoolean()) {
				return false;
			}
			long remaining = deadline - System.nanoTime();
			if (remaining <= 0) {
				return true;
			}
			LockSupport.parkNanos(this, remaining);
		}
	}

	private enum Outcome {

		HANDLED, PARKED, FAILED, INTERRUPTED

	}

}

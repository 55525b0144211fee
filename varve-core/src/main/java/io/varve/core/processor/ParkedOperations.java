package io.varve.core.processor;

import java.util.ArrayList;
import java.util.List;

import io.varve.InvalidArgumentException;
import io.varve.RecordedEvent;
import io.varve.processor.ParkedEvent;
import io.varve.processor.ProcessorDefinition;
import io.varve.processor.ProcessorError;

/**
 * Listing, retrying and discarding a processor's parked events. A retry runs the handler
 * on the caller's thread while holding the processor's batch lock, so that the handler is
 * never called by two threads at once.
 */
final class ParkedOperations {

	private final ProcessorDefinition definition;

	private final ProcessorServices services;

	private final ProcessorCounters counters;

	private final CheckpointTracker checkpoints;

	private final String name;

	ParkedOperations(ProcessorDefinition definition, ProcessorServices services, ProcessorCounters counters,
			CheckpointTracker checkpoints) {
		this.definition = definition;
		this.services = services;
		this.counters = counters;
		this.checkpoints = checkpoints;
		this.name = definition.name();
	}

	List<ParkedEvent> list(long afterPosition, int limit) {
		if (afterPosition < 0) {
			throw new InvalidArgumentException("afterPosition must be 0 or more, got " + afterPosition);
		}
		CommittedProjections.checkLimit(limit);
		return this.services.read((txn) -> ProcessorTables.parked(txn, this.name, afterPosition, limit));
	}

	boolean retry(long position) {
		ParkedEvent parked = this.services.read((txn) -> ProcessorTables.parkedAt(txn, this.name, position));
		if (parked == null) {
			throw notParked(position);
		}
		// What the stored event reads as now: itself, or the events its upcasters make of
		// it
		// (handled together, as the processor's batch did; none when they drop it).
		List<RecordedEvent> events = this.services.read((txn) -> {
			var envelope = txn.event(position);
			if (envelope == null) {
				return null;
			}
			List<RecordedEvent> read = new ArrayList<>(1);
			this.services.reader().read(envelope, read);
			return read;
		});
		if (events == null) {
			throw new InvalidArgumentException("The event at position " + position + " parked by processor '"
					+ this.name + "' is not in the log; discard it with discardParked");
		}
		ProjectionBuffer buffer = new ProjectionBuffer();
		HandlerContext context = new HandlerContext(this.name,
				new BufferedProjectionStore(buffer, this.services.committed(), this.services.codec()));
		int attempt = parked.attempts() + 1;
		context.attempt(attempt);
		byte[] key = ProcessorKeys.parked(this.name, position);
		RecordedEvent event = null;
		try {
			for (RecordedEvent each : events) {
				event = each;
				this.services.handle(this.definition, event, context);
				buffer.acceptEvent();
			}
		}
		catch (Throwable ex) {
			ProcessorError error = this.counters.recordError(ex, event, attempt);
			ParkedEvent again = ParkedRecord.entry(this.name, event, error);
			this.checkpoints.commitNow(new ProcessorCommit(false, this.name, -1).park(key, ParkedRecord.encode(again)));
			return false;
		}
		ProcessorCommit commit = new ProcessorCommit(false, this.name, -1).projections(buffer).unpark(key);
		this.counters.parked.addAndGet(this.checkpoints.commitNow(commit));
		this.counters.eventsHandled.incrementAndGet();
		return true;
	}

	void discard(long position) {
		ProcessorCommit commit = new ProcessorCommit(false, this.name, -1)
			.unpark(ProcessorKeys.parked(this.name, position));
		long delta = this.checkpoints.commitNow(commit);
		if (delta == 0) {
			throw notParked(position);
		}
		this.counters.parked.addAndGet(delta);
	}

	private InvalidArgumentException notParked(long position) {
		return new InvalidArgumentException("No event at position " + position + " is parked for processor '"
				+ this.name + "'; list them with parked(\"" + this.name + "\")");
	}

}

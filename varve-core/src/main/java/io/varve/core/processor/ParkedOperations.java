package io.varve.core.processor;

import java.util.ArrayList;
import java.util.List;

import io.varve.InvalidArgumentException;
import io.varve.RecordedEvent;
import io.varve.processor.ErrorPolicy;
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
		if (parked.held()) {
			throw new InvalidArgumentException("The event at position " + position + " is held behind the parked "
					+ "event of stream '" + parked.stream() + "' (" + parked.error() + "); retry or discard that one, "
					+ "which releases the held events in order");
		}
		ProjectionBuffer buffer = new ProjectionBuffer();
		HandlerContext context = new HandlerContext(this.name,
				new BufferedProjectionStore(buffer, this.services.committed(), this.services.codec()));
		ProcessorCommit commit = new ProcessorCommit(false, this.name, -1);
		byte[] key = ProcessorKeys.parked(this.name, position);
		ProcessorError error = handle(position, parked.attempts() + 1, context, buffer);
		if (error != null) {
			this.checkpoints.commitNow(commit.park(key, ParkedRecord.encode(ParkedRecord.withError(parked, error))));
			return false;
		}
		commit.projections(buffer, this.services.tables()).unpark(key);
		this.counters.eventsHandled.incrementAndGet();
		release(parked.stream(), position, context, buffer, commit);
		this.counters.parked.addAndGet(this.checkpoints.commitNow(commit));
		this.counters.holds.reload(this.services, this.definition);
		return true;
	}

	void discard(long position) {
		ParkedEvent parked = this.services.read((txn) -> ProcessorTables.parkedAt(txn, this.name, position));
		if (parked == null) {
			throw notParked(position);
		}
		ProcessorCommit commit = new ProcessorCommit(false, this.name, -1)
			.unpark(ProcessorKeys.parked(this.name, position));
		if (!parked.held()) {
			ProjectionBuffer buffer = new ProjectionBuffer();
			HandlerContext context = new HandlerContext(this.name,
					new BufferedProjectionStore(buffer, this.services.committed(), this.services.codec()));
			release(parked.stream(), position, context, buffer, commit);
			commit.projections(buffer, this.services.tables());
		}
		this.counters.parked.addAndGet(this.checkpoints.commitNow(commit));
		this.counters.holds.reload(this.services, this.definition);
	}

	/**
	 * Handles the events held behind a stream's parked event, in order, once that one is
	 * handled or discarded: each handled one leaves the list; the first that fails
	 * becomes the stream's parked event and the rest stay held behind it.
	 */
	private void release(String stream, long after, HandlerContext context, ProjectionBuffer buffer,
			ProcessorCommit commit) {
		if (this.definition.errorPolicy() != ErrorPolicy.PARK_STREAM) {
			return;
		}
		List<ParkedEvent> held = this.services
			.read((txn) -> ProcessorTables.parked(txn, this.name, after, Integer.MAX_VALUE))
			.stream()
			.filter((entry) -> entry.held() && entry.stream().equals(stream))
			.toList();
		for (int i = 0; i < held.size(); i++) {
			ParkedEvent entry = held.get(i);
			byte[] key = ProcessorKeys.parked(this.name, entry.position());
			ProcessorError error = handle(entry.position(), 1, context, buffer);
			if (error != null) {
				commit.park(key, ParkedRecord.encode(ParkedRecord.withError(entry, error)));
				// The rest wait behind the new parked event, which they now name.
				for (ParkedEvent rest : held.subList(i + 1, held.size())) {
					commit.park(ProcessorKeys.parked(this.name, rest.position()),
							ParkedRecord.encode(ParkedRecord.heldBehind(rest, entry.position())));
				}
				return;
			}
			commit.unpark(key);
			this.counters.eventsHandled.incrementAndGet();
		}
	}

	/**
	 * Handles the stored event at a position as it reads now (itself, or the events its
	 * upcasters make of it, together); null when it succeeded, else the error.
	 */
	private ProcessorError handle(long position, int attempt, HandlerContext context, ProjectionBuffer buffer) {
		List<RecordedEvent> events = this.services.read((txn) -> {
			var envelope = txn.event(position);
			if (envelope == null) {
				return null;
			}
			List<RecordedEvent> read = new ArrayList<>(1);
			if (this.definition.asStored()) {
				read.add(this.services.reader().stored(envelope));
			}
			else {
				this.services.reader().read(envelope, read);
			}
			return read;
		});
		if (events == null) {
			throw new InvalidArgumentException("The event at position " + position + " parked by processor '"
					+ this.name + "' is not in the log; discard it with discardParked");
		}
		context.attempt(attempt);
		RecordedEvent event = null;
		try {
			for (RecordedEvent each : events) {
				event = each;
				this.services.handle(this.definition, event, context);
				buffer.acceptEvent();
			}
			return null;
		}
		catch (Throwable ex) {
			buffer.discardEvent();
			return this.counters.recordError(ex, event, attempt);
		}
	}

	private InvalidArgumentException notParked(long position) {
		return new InvalidArgumentException("No event at position " + position + " is parked for processor '"
				+ this.name + "'; list them with parked(\"" + this.name + "\")");
	}

}

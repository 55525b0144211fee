package io.varve.core.processor;

import java.util.concurrent.atomic.AtomicLong;

import io.varve.RecordedEvent;
import io.varve.processor.ProcessorError;

/** What a processor counts for its status: events, errors, parked entries. */
final class ProcessorCounters {

	final AtomicLong eventsHandled = new AtomicLong();

	final AtomicLong errors = new AtomicLong();

	final AtomicLong parked = new AtomicLong();

	/** The streams held back by a PARK_STREAM processor. */
	final StreamHolds holds = new StreamHolds();

	private final ProcessorServices services;

	private volatile ProcessorError lastError;

	ProcessorCounters(ProcessorServices services, long parked) {
		this.services = services;
		this.parked.set(parked);
	}

	/**
	 * Counts a failed attempt and keeps it as the last error.
	 * @param ex what was thrown
	 * @param event the event being handled, or null
	 * @param attempt the attempt at it, or 0
	 * @return the error
	 */
	ProcessorError recordError(Throwable ex, RecordedEvent event, int attempt) {
		this.errors.incrementAndGet();
		String message = (ex.getMessage() != null) ? ex.getMessage() : ex.toString();
		ProcessorError error = new ProcessorError(message, ex.getClass().getName(),
				(event != null) ? event.position() : 0, (event != null) ? event.id() : null, attempt,
				this.services.now());
		this.lastError = error;
		return error;
	}

	/**
	 * Keeps a failed commit as the last error. Not counted in {@link #errors}, which
	 * counts failed handler attempts.
	 * @param message what failed, why, and what happens next
	 * @param failure the failure
	 * @param inARow commits failed in a row, this one included
	 * @return the error
	 */
	ProcessorError recordCommitFailure(String message, CommitFailure failure, int inARow) {
		ProcessorError error = new ProcessorError(message, failure.cause().getClass().getName(), 0, null, inARow,
				this.services.now());
		this.lastError = error;
		return error;
	}

	ProcessorError lastError() {
		return this.lastError;
	}

	static String describe(ProcessorError error) {
		if (error == null) {
			return "no error recorded";
		}
		return ((error.position() > 0) ? "at position " + error.position() + ", event " + error.eventId() + ": " : "")
				+ error.message();
	}

}

package io.varve;

/**
 * An event id is already stored somewhere other than the exact place an idempotent retry
 * would put it, or appears twice in one call. Use a fresh id for a new event; to retry an
 * append, send the same events with the same ids to the same stream.
 */
public class DuplicateEventIdException extends VarveException {

	private static final long serialVersionUID = 1L;

	public DuplicateEventIdException(String message) {
		super(message);
	}

	public DuplicateEventIdException(String message, Throwable cause) {
		super(message, cause);
	}

}

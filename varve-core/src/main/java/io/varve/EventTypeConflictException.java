package io.varve;

/**
 * Two different classes claim the same event type name. Give one of them another name
 * with {@link io.varve.EventType}.
 */
public class EventTypeConflictException extends VarveException {

	private static final long serialVersionUID = 1L;

	public EventTypeConflictException(String message) {
		super(message);
	}

	public EventTypeConflictException(String message, Throwable cause) {
		super(message, cause);
	}

}

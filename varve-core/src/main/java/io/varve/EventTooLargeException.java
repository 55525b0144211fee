package io.varve;

/**
 * An encoded event is larger than the configured maximum event size. Raise it with
 * {@link io.varve.VarveBuilder#maxEventSize(int)} or split the event.
 */
public class EventTooLargeException extends VarveException {

	private static final long serialVersionUID = 1L;

	public EventTooLargeException(String message) {
		super(message);
	}

	public EventTooLargeException(String message, Throwable cause) {
		super(message, cause);
	}

}

package io.varve;

/**
 * An event type name has no registered class in this process. Register the class with
 * {@link io.varve.VarveBuilder#eventTypes(Class[])} or read the event with
 * {@link io.varve.RecordedEvent#dataAs(Class)}.
 */
public class UnknownEventTypeException extends VarveException {

	private static final long serialVersionUID = 1L;

	public UnknownEventTypeException(String message) {
		super(message);
	}

	public UnknownEventTypeException(String message, Throwable cause) {
		super(message, cause);
	}

}

package io.varve;

/**
 * A stored payload or metadata could not be decoded into the class asked for, for example
 * because the class changed incompatibly. The raw bytes stay readable through
 * {@link io.varve.RecordedEvent#rawData()}.
 */
public class EventDecodingException extends VarveException {

	private static final long serialVersionUID = 1L;

	public EventDecodingException(String message) {
		super(message);
	}

	public EventDecodingException(String message, Throwable cause) {
		super(message, cause);
	}

}

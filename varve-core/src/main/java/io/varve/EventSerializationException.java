package io.varve;

/**
 * An event or its metadata could not be encoded with Jackson Smile, for example a class
 * with no serialisable properties. Nothing was written.
 */
public class EventSerializationException extends VarveException {

	private static final long serialVersionUID = 1L;

	public EventSerializationException(String message) {
		super(message);
	}

	public EventSerializationException(String message, Throwable cause) {
		super(message, cause);
	}

}

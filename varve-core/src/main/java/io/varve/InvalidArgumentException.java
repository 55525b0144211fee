package io.varve;

/**
 * An argument is out of its allowed range or missing, for example a negative position, a
 * zero `maxCount` or a null event. The message names the argument and the allowed range.
 */
public class InvalidArgumentException extends VarveException {

	private static final long serialVersionUID = 1L;

	public InvalidArgumentException(String message) {
		super(message);
	}

	public InvalidArgumentException(String message, Throwable cause) {
		super(message, cause);
	}

}

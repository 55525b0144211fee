package io.varve;

/**
 * A stream name is null, blank, too long or contains a character Varve does not allow.
 * See {@link io.varve.Varve#MAX_STREAM_NAME_BYTES} for the limits.
 */
public class InvalidStreamNameException extends VarveException {

	private static final long serialVersionUID = 1L;

	public InvalidStreamNameException(String message) {
		super(message);
	}

	public InvalidStreamNameException(String message, Throwable cause) {
		super(message, cause);
	}

}

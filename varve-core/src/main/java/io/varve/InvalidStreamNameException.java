package io.varve;

/**
 * A stream name is null, blank, too long, not in Unicode NFC, or contains a character
 * Varve does not allow: a control, format or separator character or a space other than
 * U+0020, which would make names that look alike name different streams. See
 * {@link io.varve.Varve#MAX_STREAM_NAME_BYTES} for the length limit.
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

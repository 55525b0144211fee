package io.varve;

/**
 * The directory holds data that this version of Varve cannot read: a different on-disk
 * format version, or files that are not a Varve store.
 */
public class IncompatibleFormatException extends VarveException {

	private static final long serialVersionUID = 1L;

	public IncompatibleFormatException(String message) {
		super(message);
	}

	public IncompatibleFormatException(String message, Throwable cause) {
		super(message, cause);
	}

}

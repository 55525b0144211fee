package io.varve;

/**
 * Stored bytes do not form a valid Varve record. This points at a damaged file; restore
 * from a backup.
 */
public class CorruptDataException extends VarveException {

	private static final long serialVersionUID = 1L;

	public CorruptDataException(String message) {
		super(message);
	}

	public CorruptDataException(String message, Throwable cause) {
		super(message, cause);
	}

}

package io.varve;

/**
 * The storage engine failed in a way that is not the caller's fault, such as an I/O
 * error. The operation did not take effect.
 */
public class StorageException extends VarveException {

	private static final long serialVersionUID = 1L;

	public StorageException(String message) {
		super(message);
	}

	public StorageException(String message, Throwable cause) {
		super(message, cause);
	}

}

package io.varve;

/**
 * The store directory is already open: in this JVM, or for writing by another process.
 * Share the open {@link Varve} instance, stop the other process, or use
 * {@link Varve#openReadOnly(java.nio.file.Path)} to inspect a store another process owns.
 */
public class StoreLockedException extends VarveException {

	private static final long serialVersionUID = 1L;

	public StoreLockedException(String message) {
		super(message);
	}

}

package io.varve;

/**
 * A write was attempted on a store opened with
 * {@link Varve#openReadOnly(java.nio.file.Path)}. Write through the process that owns the
 * store.
 */
public class ReadOnlyStoreException extends VarveException {

	private static final long serialVersionUID = 1L;

	public ReadOnlyStoreException(String message) {
		super(message);
	}

}

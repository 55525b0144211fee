package io.varve;

import java.nio.file.Path;

/**
 * The store's path cannot hold a store: it is a regular file, its parent is missing or
 * not writable, or it cannot be read. Nothing was created or changed. The message says
 * what is wrong with the path and how to fix it.
 */
public class StorePathException extends VarveException {

	private static final long serialVersionUID = 1L;

	private final transient Path path;

	public StorePathException(Path path, String message) {
		super(message);
		this.path = path;
	}

	public StorePathException(Path path, String message, Throwable cause) {
		super(message, cause);
		this.path = path;
	}

	/** The path that was given for the store. */
	public Path path() {
		return this.path;
	}

}

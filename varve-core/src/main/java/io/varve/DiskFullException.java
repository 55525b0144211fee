package io.varve;

/**
 * The file system holding the store has no space left, so a write could not be made. The
 * operation did not take effect and the store is unchanged; writes succeed again once
 * space is freed on that file system. This is not a hardware fault: free space, or move
 * the store to a larger volume.
 */
public class DiskFullException extends StorageException {

	private static final long serialVersionUID = 1L;

	public DiskFullException(String message, Throwable cause) {
		super(message, cause);
	}

}

package io.varve.core.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.varve.DiskFullException;

/**
 * Tells a full file system apart from a failing disk. A write that runs out of space does
 * not always say so: LMDB reports a write the file system cut short as {@code EIO}, the
 * same error a dying disk gives. So when a write fails, the space left on the file system
 * decides: a write that failed with next to nothing left ran out of space.
 */
public final class DiskSpace {

	/**
	 * Less free space than this after a failed write means the write ran out of space: a
	 * write cut short consumed what was left, and LMDB writes whole pages.
	 */
	static final long NEARLY_FULL = 1024 * 1024;

	private DiskSpace() {
	}

	/**
	 * The bytes this process may still write on the file system holding a path.
	 * @param path a file or directory; its nearest existing ancestor is used
	 * @return the usable bytes, or -1 when the file system cannot tell
	 */
	public static long usableBytes(Path path) {
		Path existing = path.toAbsolutePath();
		while (existing != null && !Files.exists(existing)) {
			existing = existing.getParent();
		}
		if (existing == null) {
			return -1;
		}
		try {
			return Files.getFileStore(existing).getUsableSpace();
		}
		catch (IOException | SecurityException ex) {
			return -1;
		}
	}

	/**
	 * Whether the file system holding a path has (next to) no space left.
	 * @param path a file or directory on that file system
	 * @return true when it is full
	 */
	public static boolean isFull(Path path) {
		long usable = usableBytes(path);
		return usable >= 0 && usable < NEARLY_FULL;
	}

	/**
	 * The exception for a write that failed for want of space.
	 * @param path where the write went (the store or backup directory)
	 * @param action what could not be done, as in "Cannot commit"
	 * @param cause the failure as reported
	 * @return the exception, with the free space and what to do
	 */
	public static DiskFullException full(Path path, String action, Throwable cause) {
		long usable = usableBytes(path);
		return new DiskFullException("Cannot " + action + ": the file system holding " + path.toAbsolutePath()
				+ " is full (" + ((usable >= 0) ? usable + " bytes" : "no space") + " left for this process; the write "
				+ "failed with: " + cause.getMessage() + "). Nothing was written. Free space on that file system, or "
				+ "move the store to a larger volume; writes succeed again as soon as there is room", cause);
	}

}

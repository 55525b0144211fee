package io.varve.core.processor;

import java.io.UncheckedIOException;

import io.varve.CorruptDataException;
import io.varve.DiskFullException;
import io.varve.StorageException;
import io.varve.StoreFullException;
import io.varve.VarveClosedException;
import io.varve.VarveException;

/**
 * A processor commit that failed: which one, why in words for the status and the log, and
 * whether trying again can succeed.
 *
 * <p>
 * A commit fails as a whole, so nothing of it was stored. Storage errors are transient: a
 * full file system, a store at its maximum size or an I/O error pass once space is freed
 * or the device recovers, so the processor handles its uncommitted events again and
 * commits again after a backoff. A damaged store, a closed one, and a fault in code (an
 * {@link Error}, or a runtime exception of the JDK that the writer reported as a storage
 * error) do not pass by waiting, and fail the processor.
 */
final class CommitFailure {

	private final String commit;

	private final RuntimeException cause;

	/**
	 * @param commit what was committed, as in "the commit of its checkpoint at position
	 * 12"
	 * @param cause why it failed
	 */
	CommitFailure(String commit, RuntimeException cause) {
		this.commit = commit;
		this.cause = cause;
	}

	/** A checkpoint commit of a processor's thread. */
	static CommitFailure ofCheckpoint(long checkpoint, boolean withWrites, Throwable ex) {
		return new CommitFailure(
				"its checkpoint at position " + checkpoint
						+ (withWrites ? " with the projection writes and parked events of its last batch" : ""),
				runtime(ex));
	}

	static RuntimeException runtime(Throwable ex) {
		if (ex instanceof RuntimeException runtime) {
			return runtime;
		}
		return new StorageException("Processor commit failed: " + ex, ex);
	}

	RuntimeException cause() {
		return this.cause;
	}

	/** Whether the same commit can succeed later without anything changed in code. */
	boolean isTransient() {
		return isTransient(this.cause);
	}

	static boolean isTransient(Throwable ex) {
		boolean storage = false;
		Throwable root = ex;
		for (Throwable link = ex; link != null; link = (link.getCause() != link) ? link.getCause() : null) {
			if (link instanceof Error || link instanceof CorruptDataException || link instanceof VarveClosedException) {
				return false;
			}
			storage |= link instanceof StorageException || link instanceof StoreFullException;
			root = link;
		}
		boolean fault = root instanceof RuntimeException && !(root instanceof VarveException)
				&& !(root instanceof UncheckedIOException) && root.getClass().getName().startsWith("java.");
		return storage && !fault;
	}

	/** What failed and why, as in "the commit of ... failed: the store ...". */
	String describe() {
		return "the commit of " + this.commit + " failed: " + reason(this.cause);
	}

	private static String reason(RuntimeException ex) {
		// The writer's messages speak of appends; these say what the processor's user can
		// do.
		if (ex instanceof DiskFullException) {
			return "the file system holding the store has no space left (" + ex.getClass().getName()
					+ "); free space on it";
		}
		if (ex instanceof StoreFullException) {
			return "the store is at its maximum size (" + ex.getClass().getName()
					+ "); raise varve.max-map-size (VarveBuilder.maxMapSize) or free space in the store";
		}
		return ex.getClass().getName() + ": " + ex.getMessage();
	}

}

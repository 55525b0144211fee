package io.varve.core.write;

/**
 * Told about each group commit, on the thread that committed it (the writer thread, or
 * the caller of a lone waiting append): keep it quick and never block.
 */
@FunctionalInterface
public interface CommitListener {

	/**
	 * A group committed.
	 * @param commit what was committed
	 */
	void committed(Commit commit);

	/**
	 * One group commit.
	 *
	 * @param headPosition the head position after the commit
	 * @param events events appended by the group
	 * @param requests requests that succeeded in the group
	 * @param failures requests that failed their own checks
	 * @param nanos time from the start of the transaction to the end of the commit
	 * @param applyNanos the part of {@code nanos} spent applying the requests, before the
	 * storage commit (and its syncs) began
	 */
	record Commit(long headPosition, int events, int requests, int failures, long nanos, long applyNanos) {

	}

}

package io.varve;

/**
 * The outcome of {@link Varve#deleteStream} or {@link Varve#truncateBefore}.
 *
 * @param stream the stream
 * @param fromVersion the first version deleted by this call
 * @param toVersion the last version deleted by this call ({@code fromVersion - 1} when
 * there was nothing left to delete)
 * @param position the global position of the deletion's record in the log: processors
 * that asked for deletions ({@code ProcessorDefinition.receiveDeletions()}) see an
 * {@link EventsDeleted} there, and {@code awaitProcessed(name, position)} waits for it
 * @param streamDeleted whether the stream itself was deleted (a tombstone), or only
 * truncated
 */
public record DeleteResult(String stream, long fromVersion, long toVersion, long position, boolean streamDeleted) {

	/** How many events this call deleted. */
	public long deletedCount() {
		return this.toVersion - this.fromVersion + 1;
	}

}

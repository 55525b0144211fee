package io.varve;

/**
 * What a processor that asked for deletions
 * ({@code ProcessorDefinition.receiveDeletions()},
 * {@code @VarveProcessor(deletions = true)}) receives where a stream was deleted or
 * truncated: read as the {@code data()} of an event of type {@link #TYPE} at the
 * deletion's position, in log order with the other events, exactly once with the
 * processor's checkpoint. Typical use: delete the stream's row of a projection. Other
 * processors and every read ({@code readAll}, {@code scanAll}, {@code readStream}) never
 * see it.
 *
 * @param stream the stream
 * @param fromVersion the first version deleted
 * @param toVersion the last version deleted
 * @param streamDeleted whether the stream itself was deleted, or only truncated (its
 * events from {@code toVersion + 1} on are still stored)
 */
@EventType(EventsDeleted.TYPE)
public record EventsDeleted(String stream, long fromVersion, long toVersion, boolean streamDeleted) {

	/** The type name of deletion records. */
	public static final String TYPE = "$varve.events-deleted";

}

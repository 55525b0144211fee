package io.varve;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The store's snapshots of aggregate state, kept in their own table beside the log (see
 * {@link AggregateRepository}, which writes and reads them). A snapshot is a cache: it
 * can always be dropped and rebuilt from the stream's events.
 */
public interface SnapshotStore {

	/**
	 * The newest snapshot of a stream.
	 * @param stream the stream
	 * @return the snapshot with the highest version, or empty
	 */
	Optional<Snapshot> latest(String stream);

	/**
	 * Decodes a snapshot's state with the store's mapper.
	 * @param <T> the state class
	 * @param snapshot the snapshot
	 * @param type the state class
	 * @return the state
	 * @throws EventDecodingException if the bytes do not fit the class
	 */
	<T> T decode(Snapshot snapshot, Class<T> type);

	/**
	 * Stores a snapshot without waiting for it: the state is encoded on the calling
	 * thread with the store's mapper, and the write joins the next group commit, so it
	 * never holds up an append. Older snapshots of the stream beyond the newest
	 * {@code keepLast} are removed in the same transaction.
	 * @param stream the stream
	 * @param version the stream version the state includes
	 * @param schemaVersion the schema version of the state's class
	 * @param state the state
	 * @param keepLast how many of the stream's snapshots to keep, at least 1
	 * @return completed once stored, or exceptionally if it could not be
	 * @throws ReadOnlyStoreException if the store is open read-only
	 * @throws EventSerializationException if the state cannot be encoded
	 */
	CompletableFuture<Void> save(String stream, long version, int schemaVersion, Object state, int keepLast);

	/**
	 * Removes every snapshot of a stream, waiting until it is done.
	 * @param stream the stream
	 * @return how many were removed
	 * @throws ReadOnlyStoreException if the store is open read-only
	 */
	long delete(String stream);

	/**
	 * How many snapshots the store holds.
	 * @return the number of snapshots
	 */
	long count();

	/**
	 * The space the snapshots' table takes.
	 * @return bytes
	 */
	long bytes();

}

package io.varve.core.storage;

import java.nio.file.Path;

import org.jspecify.annotations.Nullable;

/**
 * The boundary between Varve and the database that holds its data. Everything Varve
 * stores goes through here: the log, stream heads, the stream and event-id indexes, and
 * the auxiliary tables of processors. Today's engine is LMDB; another engine can be added
 * behind this interface without changing the public API.
 */
public interface StorageEngine extends AutoCloseable {

	/**
	 * Opens a snapshot for reading. Thread-safe.
	 * @return the snapshot; close it promptly
	 */
	ReadTxn beginRead();

	/**
	 * Opens the write transaction. Only the writer calls this (its thread, or a caller
	 * under its commit lock), one at a time, and commits on the same thread.
	 * @return the transaction
	 */
	WriteTxn beginWrite();

	/**
	 * Grows the map after a {@link MapFullSignal}. Called by the writer with no write
	 * transaction open; waits for readers of this process to finish their snapshot.
	 * @return false when the map is already at its maximum size
	 */
	boolean grow();

	/** Flushes committed data to disk, whatever the durability setting. */
	void sync();

	/**
	 * Writes a consistent, compacted copy of the store to an empty directory.
	 * @param target the directory
	 */
	void backup(Path target);

	/**
	 * An entry of the store's meta table, beside its format record (see
	 * {@link StorageConfig#newStoreMeta()}).
	 * @param key the entry's name
	 * @return its value, or null when the store has none
	 */
	byte @Nullable [] meta(String key);

	/** Current storage figures. */
	StorageStats stats();

	/** Whether this engine was opened read-only. */
	boolean isReadOnly();

	/** Closes the engine after open snapshots end. Idempotent. */
	@Override
	void close();

}

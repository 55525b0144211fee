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
	 * Opens a snapshot of what is published, without the read barrier: for readers that
	 * need not see the newest acknowledged appends (retention's passes), so that they do
	 * not end the writer's batches.
	 * @return the snapshot; close it promptly
	 */
	default ReadTxn beginReadPublished() {
		return beginRead();
	}

	/**
	 * Opens a batch, if this engine batches commits: a transaction that stays open across
	 * groups, on the calling thread, until {@link #publish()} (on the same thread)
	 * commits it. Groups begun with {@link #beginGroup()} meanwhile write into it: each
	 * group's commit makes it durable (the acknowledgement) and visible to the next
	 * group, and readers see it once the batch is published. A group that fails after
	 * writing (its transaction closed uncommitted) leaves its writes in the batch, which
	 * must then be {@link #abandonBatch() abandoned} before anything else. Does nothing
	 * if a batch is open.
	 * @return whether groups now go into a batch
	 */
	default boolean openBatch() {
		return false;
	}

	/**
	 * Opens one group's write transaction: in the open batch, or else
	 * {@link #beginWrite()}. Same rules as {@link #beginWrite()}: one at a time, by the
	 * writer; and {@link #publish()} before {@link #grow()}.
	 * @return the transaction
	 */
	default WriteTxn beginGroup() {
		return beginWrite();
	}

	/**
	 * Commits the batch of groups, so that readers see them; on the thread that began the
	 * groups. Does nothing when nothing is batched.
	 */
	default void publish() {
	}

	/**
	 * Drops the open batch, which holds the writes of a group that failed part way, and
	 * brings back the groups acknowledged in it; on the thread that opened it. Does
	 * nothing when no batch is open.
	 */
	default void abandonBatch() {
	}

	/** Whether {@link #openBatch()} opens batches. */
	default boolean batchesCommits() {
		return false;
	}

	/**
	 * Sets what runs before each read snapshot and backup of this process begins: for a
	 * batching engine, whatever brings acknowledged groups to readers.
	 * @param barrier the barrier, or null for none
	 */
	default void readBarrier(@Nullable Runnable barrier) {
	}

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

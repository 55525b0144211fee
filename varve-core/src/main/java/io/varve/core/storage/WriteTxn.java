package io.varve.core.storage;

import java.util.UUID;

/**
 * The single write transaction of a group commit; it also reads its own uncommitted
 * writes. Used by one committing thread at a time, which begins and ends it. Any method
 * may throw {@link MapFullSignal}, after which the transaction must be aborted and the
 * group retried on a grown map.
 */
public interface WriteTxn extends ReadTxn {

	/**
	 * Appends an envelope at the end of the log, stamping position, version, time and the
	 * stream's previous position.
	 * @param position the new position: the head plus one
	 * @param envelopes an array holding the envelope as encoded by the caller
	 * @param offset where the envelope starts in it
	 * @param length the envelope's length
	 * @param version the event's stream version
	 * @param timestampMicros the commit time
	 * @param previousPosition the position of the stream's previous event, 0 for its
	 * first
	 */
	void appendEvent(long position, byte[] envelopes, int offset, int length, long version, long timestampMicros,
			long previousPosition);

	/**
	 * Writes one full block of a stream's positions to the stream index.
	 * @param streamId the stream id
	 * @param block the block number: block {@code b} holds versions
	 * {@code b * StreamRecord.BLOCK + 1} to {@code (b + 1) * StreamRecord.BLOCK}
	 * @param positions the {@link StreamRecord#BLOCK} positions, in version order
	 */
	void putStreamBlock(long streamId, long block, long[] positions);

	/**
	 * Deletes an event from the log. Its position stays taken: positions are never
	 * reused, and readers pass over it.
	 * @param position the position
	 * @return whether there was an event there
	 */
	boolean deleteEvent(long position);

	/**
	 * Deletes one block of a stream's positions from the stream index.
	 * @param streamId the stream id
	 * @param block the block number
	 * @return whether it was there
	 */
	boolean deleteStreamBlock(long streamId, long block);

	/**
	 * Records an event id.
	 * @param id the id
	 * @param position its global position
	 * @return false if the id was already stored (nothing changed)
	 */
	boolean putEventId(UUID id, long position);

	/**
	 * Writes a stream head.
	 * @param name the stream name in UTF-8
	 * @param record the record
	 */
	void putStream(byte[] name, StreamRecord record);

	/**
	 * Writes an entry of an auxiliary table.
	 * @param table the table
	 * @param key the key
	 * @param value the value
	 */
	void put(AuxTable table, byte[] key, byte[] value);

	/**
	 * Deletes an entry of an auxiliary table.
	 * @param table the table
	 * @param key the key
	 * @return whether it existed
	 */
	boolean delete(AuxTable table, byte[] key);

	/**
	 * Deletes every entry of an auxiliary table whose key starts with a prefix.
	 * @param table the table
	 * @param prefix the key prefix
	 * @return how many entries were deleted
	 */
	long deletePrefix(AuxTable table, byte[] prefix);

	/** Commits. After this the transaction is closed. */
	void commit();

	/** Aborts if not committed. Idempotent. */
	@Override
	void close();

}

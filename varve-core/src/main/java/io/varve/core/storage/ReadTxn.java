package io.varve.core.storage;

import java.util.UUID;

import org.jspecify.annotations.Nullable;

import org.agrona.DirectBuffer;

import io.varve.CorruptDataException;

/**
 * A consistent snapshot of the store. Not thread-safe: one thread at a time, and close it
 * promptly, because an open snapshot pins old pages. Buffers returned by single lookups
 * are valid until the next call on this transaction or its close.
 *
 * <p>
 * What the store hands out has been checked against the file: keys have their size,
 * envelopes are structurally sound and stored at the position they name, stream heads
 * hold possible numbers, and no value is longer than the data there is. Damage found
 * raises {@link CorruptDataException} naming the file and the position or key read.
 */
public interface ReadTxn extends AutoCloseable {

	/** Position of the last event, 0 when the log is empty. */
	long headPosition();

	/** Number of streams. */
	long streamCount();

	/**
	 * A stream's head.
	 * @param name the stream name in UTF-8
	 * @return the record, or null when the stream does not exist
	 */
	@Nullable StreamRecord stream(byte[] name);

	/**
	 * The envelope at a position.
	 * @param position the position
	 * @return a view of the envelope, or null when there is none
	 */
	@Nullable DirectBuffer event(long position);

	/**
	 * The position of an event id.
	 * @param id the event id
	 * @return its position, or 0 when the id is not stored
	 */
	long positionOf(UUID id);

	/**
	 * Visits the log in position order from {@code fromPosition}, inclusive.
	 * @param fromPosition the first position to visit
	 * @param visitor the visitor; scanning stops when it returns false
	 */
	void scanLog(long fromPosition, LogVisitor visitor);

	/**
	 * Visits one stream's events in version order. Each event is checked to be the
	 * stream's event of the version visited.
	 * @param name the stream name in UTF-8
	 * @param stream the stream's head, read in this snapshot
	 * @param fromVersion the first version to visit (going down when backward; a version
	 * past the head starts at the head)
	 * @param forward true for ascending versions, false for descending
	 * @param visitor the visitor; scanning stops when it returns false
	 */
	void scanStream(byte[] name, StreamRecord stream, long fromVersion, boolean forward, LogVisitor visitor);

	/**
	 * The positions of a stream's events after its last full block, in version order,
	 * found by walking back from its last event through each envelope's previous
	 * position.
	 * @param stream the stream's head
	 * @return {@link StreamRecord#tailLength()} positions
	 * @throws CorruptDataException if the chain leads to a position that is not in the
	 * log, or to an event of another version
	 */
	long[] tailPositions(StreamRecord stream);

	/**
	 * Visits streams in name order.
	 * @param fromName start at this name, inclusive (UTF-8), or empty for the first
	 * @param visitor receives the name (UTF-8) and the record encoded as by
	 * {@link StreamRecord#decode}; scanning stops when it returns false
	 */
	void scanStreams(byte[] fromName, EntryVisitor visitor);

	/**
	 * Reads an entry of an auxiliary table.
	 * @param table the table
	 * @param key the key
	 * @return a view of the value, or null when absent
	 */
	@Nullable DirectBuffer get(AuxTable table, byte[] key);

	/**
	 * Visits entries of an auxiliary table in key order.
	 * @param table the table
	 * @param fromKey start at this key, inclusive
	 * @param visitor the visitor; scanning stops when it returns false
	 */
	void scan(AuxTable table, byte[] fromKey, EntryVisitor visitor);

	/**
	 * How much a table holds.
	 * @param table the table
	 * @return its number of entries and the bytes of its pages
	 */
	long[] tableSize(AuxTable table);

	/** Ends the snapshot. Idempotent. */
	@Override
	void close();

}

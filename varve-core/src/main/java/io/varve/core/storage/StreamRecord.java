package io.varve.core.storage;

import java.nio.ByteOrder;

import org.jspecify.annotations.Nullable;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import io.varve.CorruptDataException;

/**
 * A stream's head as stored.
 * <p>
 * A stream's events are indexed in blocks of {@link #BLOCK} positions: block {@code b}
 * holds the positions of versions {@code b * BLOCK + 1} to {@code (b + 1) * BLOCK}. Full
 * blocks live in the stream index. The newest events, after the last full block (fewer
 * than {@code BLOCK}), are found from {@link #lastPosition()} through each envelope's
 * previous position. So an append touches the stream index only when it fills a block,
 * and a group commit over many streams rewrites their small heads (a few pages) instead
 * of one index page per stream.
 *
 * @param streamId the stream's numeric id, assigned in creation order starting at 1
 * @param version the stream's version (its event count)
 * @param firstPosition global position of its first event
 * @param lastPosition global position of its last event
 * @param createdMicros time of its first event, microseconds since the epoch
 * @param updatedMicros time of its last event, microseconds since the epoch
 * @param firstVersion the stream's first version still stored: 1 unless events were
 * deleted from its start ({@code truncateBefore}); {@code version + 1} when none is left
 * @param deleted whether the stream is deleted: a tombstone that remembers its last
 * version, so that appends to it are refused unless they ask to re-create it
 */
public record StreamRecord(long streamId, long version, long firstPosition, long lastPosition, long createdMicros,
		long updatedMicros, long firstVersion, boolean deleted) {

	/** Events per index block. */
	public static final int BLOCK = 32;

	/** Size of the stored form of a stream none of whose events were deleted. */
	public static final int SIZE = 48;

	/** Size of the stored form of a truncated or deleted stream. */
	public static final int LIFECYCLE_SIZE = 64;

	/**
	 * A stream none of whose events were deleted.
	 * @param streamId the stream's id
	 * @param version its version
	 * @param firstPosition the position of its first event
	 * @param lastPosition the position of its last event
	 * @param createdMicros the time of its first event
	 * @param updatedMicros the time of its last event
	 */
	public StreamRecord(long streamId, long version, long firstPosition, long lastPosition, long createdMicros,
			long updatedMicros) {
		this(streamId, version, firstPosition, lastPosition, createdMicros, updatedMicros, 1, false);
	}

	/** Whether events were deleted from the stream (truncated or deleted). */
	public boolean hasDeletions() {
		return this.firstVersion > 1 || this.deleted;
	}

	/** Number of its events still stored. */
	public long liveCount() {
		return this.deleted ? 0 : this.version - this.firstVersion + 1;
	}

	/** The size of the stored form. */
	public int storedSize() {
		return hasDeletions() ? LIFECYCLE_SIZE : SIZE;
	}

	/** Number of full blocks in the stream index. */
	public long fullBlocks() {
		return this.version / BLOCK;
	}

	/** Number of newest events not yet in a full block. */
	public int tailLength() {
		return (int) (this.version % BLOCK);
	}

	/**
	 * Writes the stored form.
	 * @param buffer the buffer, at least {@link #storedSize()} bytes
	 */
	public void encode(MutableDirectBuffer buffer) {
		buffer.putLong(0, this.streamId, ByteOrder.BIG_ENDIAN);
		buffer.putLong(8, this.version, ByteOrder.BIG_ENDIAN);
		buffer.putLong(16, this.firstPosition, ByteOrder.BIG_ENDIAN);
		buffer.putLong(24, this.lastPosition, ByteOrder.BIG_ENDIAN);
		buffer.putLong(32, this.createdMicros, ByteOrder.BIG_ENDIAN);
		buffer.putLong(40, this.updatedMicros, ByteOrder.BIG_ENDIAN);
		if (hasDeletions()) {
			buffer.putLong(48, this.firstVersion, ByteOrder.BIG_ENDIAN);
			buffer.putLong(56, this.deleted ? 1 : 0, ByteOrder.BIG_ENDIAN);
		}
	}

	/**
	 * Reads the stored form.
	 * @param buffer the stored bytes
	 * @return the record
	 * @throws CorruptDataException if they are not a sound stream head (see
	 * {@link #problem})
	 */
	public static StreamRecord decode(DirectBuffer buffer) {
		String problem = problem(buffer);
		if (problem != null) {
			throw new CorruptDataException(
					"A stream head record " + problem + "; the store file is damaged, restore it from a backup");
		}
		boolean lifecycle = buffer.capacity() == LIFECYCLE_SIZE;
		return new StreamRecord(buffer.getLong(0, ByteOrder.BIG_ENDIAN), buffer.getLong(8, ByteOrder.BIG_ENDIAN),
				buffer.getLong(16, ByteOrder.BIG_ENDIAN), buffer.getLong(24, ByteOrder.BIG_ENDIAN),
				buffer.getLong(32, ByteOrder.BIG_ENDIAN), buffer.getLong(40, ByteOrder.BIG_ENDIAN),
				lifecycle ? buffer.getLong(48, ByteOrder.BIG_ENDIAN) : 1,
				lifecycle && buffer.getLong(56, ByteOrder.BIG_ENDIAN) == 1);
	}

	/**
	 * What is wrong with a stored stream head, if anything: its size, or numbers no
	 * stream can have (a stream's events sit at distinct ascending positions, so it has
	 * no more events than positions from its first to its last).
	 * @param buffer the stored bytes
	 * @return the problem, or null when the record is sound
	 */
	public static @Nullable String problem(DirectBuffer buffer) {
		if (buffer.capacity() != SIZE && buffer.capacity() != LIFECYCLE_SIZE) {
			return "is " + buffer.capacity() + " bytes instead of " + SIZE + " or " + LIFECYCLE_SIZE;
		}
		long streamId = buffer.getLong(0, ByteOrder.BIG_ENDIAN);
		long version = buffer.getLong(8, ByteOrder.BIG_ENDIAN);
		long first = buffer.getLong(16, ByteOrder.BIG_ENDIAN);
		long last = buffer.getLong(24, ByteOrder.BIG_ENDIAN);
		long firstVersion = (buffer.capacity() == LIFECYCLE_SIZE) ? buffer.getLong(48, ByteOrder.BIG_ENDIAN) : 1;
		boolean live = firstVersion <= version
				&& (buffer.capacity() == SIZE || buffer.getLong(56, ByteOrder.BIG_ENDIAN) == 0);
		if (streamId < 1 || version < 1 || first < 1 || last < first
				|| (live && firstVersion >= 1 && version - firstVersion > last - first)) {
			return "holds impossible numbers (stream id " + streamId + ", version " + version + ", positions " + first
					+ " to " + last + ")";
		}
		if (buffer.capacity() == LIFECYCLE_SIZE) {
			long deleted = buffer.getLong(56, ByteOrder.BIG_ENDIAN);
			if (firstVersion < 1 || firstVersion > version + 1 || (deleted != 0 && deleted != 1)) {
				return "holds an impossible first version " + firstVersion + " (version " + version
						+ ") or deletion mark " + deleted;
			}
		}
		return null;
	}

}

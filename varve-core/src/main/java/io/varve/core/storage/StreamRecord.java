package io.varve.core.storage;

import java.nio.ByteOrder;
import java.util.Arrays;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import io.varve.CorruptDataException;

/**
 * A stream's head as stored, with the positions of its most recent events.
 * <p>
 * A stream's events are indexed in blocks of {@link #BLOCK} positions: block {@code b}
 * holds the positions of versions {@code b * BLOCK + 1} to {@code (b + 1) * BLOCK}. Full
 * blocks live in the stream index; the positions of the versions after the last full
 * block (the tail, fewer than {@code BLOCK}) live here, in the head record that every
 * append rewrites anyway. So an append touches the stream index only when it fills a
 * block: a group commit over many streams rewrites their heads (a few pages) instead of
 * one index page per stream, and a large append writes one index entry per {@code BLOCK}
 * events.
 *
 * @param streamId the stream's numeric id, assigned in creation order starting at 1
 * @param version the stream's version (its event count)
 * @param firstPosition global position of its first event
 * @param lastPosition global position of its last event
 * @param createdMicros time of its first event, microseconds since the epoch
 * @param updatedMicros time of its last event, microseconds since the epoch
 * @param tail positions of the versions after the last full block, in version order
 */
public record StreamRecord(long streamId, long version, long firstPosition, long lastPosition, long createdMicros,
		long updatedMicros, long[] tail) {

	/** Events per index block. */
	public static final int BLOCK = 32;

	/** Size of the fixed part of the stored form. */
	public static final int HEADER = 48;

	public StreamRecord {
		if (tail.length != version % BLOCK) {
			throw new IllegalArgumentException("A stream at version " + version + " keeps " + (version % BLOCK)
					+ " tail positions, not " + tail.length);
		}
	}

	/** Number of full blocks in the stream index. */
	public long fullBlocks() {
		return this.version / BLOCK;
	}

	/** Size of the stored form. */
	public int size() {
		return HEADER + 8 * this.tail.length;
	}

	/**
	 * Writes the stored form.
	 * @param buffer the buffer, at least {@link #size()} bytes
	 */
	public void encode(MutableDirectBuffer buffer) {
		buffer.putLong(0, this.streamId, ByteOrder.BIG_ENDIAN);
		buffer.putLong(8, this.version, ByteOrder.BIG_ENDIAN);
		buffer.putLong(16, this.firstPosition, ByteOrder.BIG_ENDIAN);
		buffer.putLong(24, this.lastPosition, ByteOrder.BIG_ENDIAN);
		buffer.putLong(32, this.createdMicros, ByteOrder.BIG_ENDIAN);
		buffer.putLong(40, this.updatedMicros, ByteOrder.BIG_ENDIAN);
		for (int i = 0; i < this.tail.length; i++) {
			buffer.putLong(HEADER + 8 * i, this.tail[i], ByteOrder.BIG_ENDIAN);
		}
	}

	/**
	 * Reads the stored form.
	 * @param buffer the stored bytes
	 * @return the record
	 * @throws CorruptDataException if the size does not fit the version
	 */
	public static StreamRecord decode(DirectBuffer buffer) {
		if (buffer.capacity() < HEADER) {
			throw corrupt(buffer.capacity() + " bytes, shorter than its " + HEADER + "-byte header");
		}
		long version = buffer.getLong(8, ByteOrder.BIG_ENDIAN);
		if (version < 1 || buffer.capacity() != HEADER + 8 * (version % BLOCK)) {
			throw corrupt(buffer.capacity() + " bytes for version " + version);
		}
		long[] tail = new long[(int) (version % BLOCK)];
		for (int i = 0; i < tail.length; i++) {
			tail[i] = buffer.getLong(HEADER + 8 * i, ByteOrder.BIG_ENDIAN);
		}
		return new StreamRecord(buffer.getLong(0, ByteOrder.BIG_ENDIAN), version,
				buffer.getLong(16, ByteOrder.BIG_ENDIAN), buffer.getLong(24, ByteOrder.BIG_ENDIAN),
				buffer.getLong(32, ByteOrder.BIG_ENDIAN), buffer.getLong(40, ByteOrder.BIG_ENDIAN), tail);
	}

	private static CorruptDataException corrupt(String what) {
		return new CorruptDataException(
				"A stream head record is " + what + "; the store file is damaged, restore it from a backup");
	}

	@Override
	public boolean equals(Object obj) {
		return (obj instanceof StreamRecord other) && other.streamId == this.streamId && other.version == this.version
				&& other.firstPosition == this.firstPosition && other.lastPosition == this.lastPosition
				&& other.createdMicros == this.createdMicros && other.updatedMicros == this.updatedMicros
				&& Arrays.equals(other.tail, this.tail);
	}

	@Override
	public int hashCode() {
		return Long.hashCode(this.streamId) * 31 + Long.hashCode(this.version);
	}

	@Override
	public String toString() {
		return "StreamRecord[streamId=" + this.streamId + ", version=" + this.version + ", firstPosition="
				+ this.firstPosition + ", lastPosition=" + this.lastPosition + ", tail=" + Arrays.toString(this.tail)
				+ "]";
	}

}

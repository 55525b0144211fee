package io.varve.core.storage;

import java.nio.ByteOrder;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * A stream's head as stored.
 *
 * @param streamId the stream's numeric id, assigned in creation order starting at 1
 * @param version the stream's version (its event count)
 * @param firstPosition global position of its first event
 * @param lastPosition global position of its last event
 * @param createdMicros time of its first event, microseconds since the epoch
 * @param updatedMicros time of its last event, microseconds since the epoch
 */
public record StreamRecord(long streamId, long version, long firstPosition, long lastPosition, long createdMicros,
		long updatedMicros) {

	/** Size of the stored form. */
	public static final int SIZE = 48;

	/**
	 * The record after appending events.
	 * @param lastPosition position of the last event appended
	 * @param newVersion the stream's new version
	 * @param micros commit time
	 * @return the new record
	 */
	public StreamRecord appended(long lastPosition, long newVersion, long micros) {
		return new StreamRecord(this.streamId, newVersion, this.firstPosition, lastPosition, this.createdMicros,
				micros);
	}

	/**
	 * Writes the stored form.
	 * @param buffer the buffer, at least {@link #SIZE} bytes
	 */
	public void encode(MutableDirectBuffer buffer) {
		buffer.putLong(0, this.streamId, ByteOrder.BIG_ENDIAN);
		buffer.putLong(8, this.version, ByteOrder.BIG_ENDIAN);
		buffer.putLong(16, this.firstPosition, ByteOrder.BIG_ENDIAN);
		buffer.putLong(24, this.lastPosition, ByteOrder.BIG_ENDIAN);
		buffer.putLong(32, this.createdMicros, ByteOrder.BIG_ENDIAN);
		buffer.putLong(40, this.updatedMicros, ByteOrder.BIG_ENDIAN);
	}

	/**
	 * Reads the stored form.
	 * @param buffer the stored bytes
	 * @return the record
	 * @throws io.varve.CorruptDataException if the size is wrong
	 */
	public static StreamRecord decode(DirectBuffer buffer) {
		if (buffer.capacity() != SIZE) {
			throw new io.varve.CorruptDataException("A stream head record is " + buffer.capacity()
					+ " bytes instead of " + SIZE + "; the store file is damaged, restore it from a backup");
		}
		return new StreamRecord(buffer.getLong(0, ByteOrder.BIG_ENDIAN), buffer.getLong(8, ByteOrder.BIG_ENDIAN),
				buffer.getLong(16, ByteOrder.BIG_ENDIAN), buffer.getLong(24, ByteOrder.BIG_ENDIAN),
				buffer.getLong(32, ByteOrder.BIG_ENDIAN), buffer.getLong(40, ByteOrder.BIG_ENDIAN));
	}

}

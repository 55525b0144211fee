package io.varve.core.durability;

import java.nio.ByteOrder;
import java.util.UUID;
import java.util.zip.CRC32C;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import io.varve.CorruptDataException;
import io.varve.core.storage.AuxTable;
import io.varve.core.storage.StreamRecord;
import io.varve.core.storage.WriteTxn;

/**
 * One group's journal record: every change its write transaction made to the tables, in
 * order, so that replaying the record on the state before the group gives the state after
 * it. A record is a 24-byte header (magic, body length, sequence number, the journal's
 * generation, CRC32C over length, sequence, generation and body) and the body of
 * operations. A record whose magic, length or checksum does not hold is where the journal
 * ends: a write that never finished.
 */
public final class JournalRecord {

	/** Header bytes before the body. */
	public static final int HEADER = 24;

	static final int MAGIC = 0x56524a31;

	static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

	private static final byte APPEND_EVENT = 1;

	private static final byte STREAM_BLOCK = 2;

	private static final byte EVENT_ID = 3;

	private static final byte STREAM = 4;

	private static final byte PUT = 5;

	private static final byte DELETE = 6;

	private static final byte DELETE_PREFIX = 7;

	private static final byte DELETE_EVENT = 8;

	private static final byte DELETE_STREAM_BLOCK = 9;

	private static final AuxTable[] TABLES = AuxTable.values();

	private JournalRecord() {
	}

	/**
	 * The CRC32C of a record's length, sequence and body.
	 * @param bytes the record, header first
	 * @param offset where the record starts
	 * @param bodyLength the body's length
	 * @return the checksum
	 */
	static int checksum(byte[] bytes, int offset, int bodyLength) {
		CRC32C crc = new CRC32C();
		crc.update(bytes, offset + 4, 16);
		crc.update(bytes, offset + HEADER, bodyLength);
		return (int) crc.getValue();
	}

	/** Builds the record of one write transaction as it makes its changes. */
	public static final class Builder {

		private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(4096);

		private final UnsafeBuffer streamRecord = new UnsafeBuffer(new byte[StreamRecord.LIFECYCLE_SIZE]);

		private int length = HEADER;

		/** Starts a new record. */
		public void reset() {
			this.length = HEADER;
		}

		public void appendEvent(long position, byte[] envelopes, int offset, int length, long version,
				long timestampMicros, long previousPosition) {
			op(APPEND_EVENT);
			putLong(position);
			putLong(version);
			putLong(timestampMicros);
			putLong(previousPosition);
			putBytes(envelopes, offset, length);
		}

		public void putStreamBlock(long streamId, long block, long[] positions) {
			op(STREAM_BLOCK);
			putLong(streamId);
			putLong(block);
			putInt(positions.length);
			for (long position : positions) {
				putLong(position);
			}
		}

		public void deleteEvent(long position) {
			op(DELETE_EVENT);
			putLong(position);
		}

		public void deleteStreamBlock(long streamId, long block) {
			op(DELETE_STREAM_BLOCK);
			putLong(streamId);
			putLong(block);
		}

		public void putEventId(UUID id, long position) {
			op(EVENT_ID);
			putLong(id.getMostSignificantBits());
			putLong(id.getLeastSignificantBits());
			putLong(position);
		}

		public void putStream(byte[] name, StreamRecord record) {
			op(STREAM);
			putBytes(name, 0, name.length);
			record.encode(this.streamRecord);
			putBytes(this.streamRecord.byteArray(), 0, record.storedSize());
		}

		public void put(AuxTable table, byte[] key, byte[] value) {
			op(PUT);
			this.buffer.putByte(this.length++, (byte) table.ordinal());
			putBytes(key, 0, key.length);
			putBytes(value, 0, value.length);
		}

		public void delete(AuxTable table, byte[] key) {
			op(DELETE);
			this.buffer.putByte(this.length++, (byte) table.ordinal());
			putBytes(key, 0, key.length);
		}

		public void deletePrefix(AuxTable table, byte[] prefix) {
			op(DELETE_PREFIX);
			this.buffer.putByte(this.length++, (byte) table.ordinal());
			putBytes(prefix, 0, prefix.length);
		}

		/**
		 * Completes the record with its header.
		 * @param sequence the group's sequence number
		 * @param generation the journal's generation (see {@link Journal})
		 * @return the record's length in bytes, header included
		 */
		public int finish(long sequence, int generation) {
			int bodyLength = this.length - HEADER;
			this.buffer.putInt(0, MAGIC, ORDER);
			this.buffer.putInt(4, bodyLength, ORDER);
			this.buffer.putLong(8, sequence, ORDER);
			this.buffer.putInt(16, generation, ORDER);
			this.buffer.putInt(20, checksum(this.buffer.byteArray(), 0, bodyLength), ORDER);
			return this.length;
		}

		/**
		 * The record's bytes, from offset 0 (valid up to what {@link #finish} returned).
		 */
		public byte[] bytes() {
			return this.buffer.byteArray();
		}

		private void op(byte op) {
			this.buffer.putByte(this.length++, op);
		}

		private void putLong(long value) {
			this.buffer.putLong(this.length, value, ORDER);
			this.length += 8;
		}

		private void putInt(int value) {
			this.buffer.putInt(this.length, value, ORDER);
			this.length += 4;
		}

		private void putBytes(byte[] bytes, int offset, int count) {
			putInt(count);
			this.buffer.putBytes(this.length, bytes, offset, count);
			this.length += count;
		}

	}

	/**
	 * Applies a record's body to a write transaction, change by change.
	 * @param body the record's body
	 * @param txn the transaction, on the state before the record's group
	 * @param what names the record in messages
	 */
	public static void replay(DirectBuffer body, WriteTxn txn, String what) {
		int at = 0;
		int end = body.capacity();
		try {
			while (at < end) {
				byte op = body.getByte(at++);
				switch (op) {
					case APPEND_EVENT -> {
						long position = body.getLong(at, ORDER);
						long version = body.getLong(at + 8, ORDER);
						long micros = body.getLong(at + 16, ORDER);
						long previous = body.getLong(at + 24, ORDER);
						at += 32;
						byte[] envelope = bytes(body, at);
						at += 4 + envelope.length;
						txn.appendEvent(position, envelope, 0, envelope.length, version, micros, previous);
					}
					case STREAM_BLOCK -> {
						long streamId = body.getLong(at, ORDER);
						long block = body.getLong(at + 8, ORDER);
						int count = body.getInt(at + 16, ORDER);
						at += 20;
						long[] positions = new long[count];
						for (int i = 0; i < count; i++) {
							positions[i] = body.getLong(at, ORDER);
							at += 8;
						}
						txn.putStreamBlock(streamId, block, positions);
					}
					case DELETE_EVENT -> {
						long position = body.getLong(at, ORDER);
						at += 8;
						txn.deleteEvent(position);
					}
					case DELETE_STREAM_BLOCK -> {
						long streamId = body.getLong(at, ORDER);
						long block = body.getLong(at + 8, ORDER);
						at += 16;
						txn.deleteStreamBlock(streamId, block);
					}
					case EVENT_ID -> {
						UUID id = new UUID(body.getLong(at, ORDER), body.getLong(at + 8, ORDER));
						long position = body.getLong(at + 16, ORDER);
						at += 24;
						txn.putEventId(id, position);
					}
					case STREAM -> {
						byte[] name = bytes(body, at);
						at += 4 + name.length;
						byte[] record = bytes(body, at);
						at += 4 + record.length;
						txn.putStream(name, StreamRecord.decode(new UnsafeBuffer(record)));
					}
					case PUT -> {
						AuxTable table = TABLES[body.getByte(at++)];
						byte[] key = bytes(body, at);
						at += 4 + key.length;
						byte[] value = bytes(body, at);
						at += 4 + value.length;
						txn.put(table, key, value);
					}
					case DELETE -> {
						AuxTable table = TABLES[body.getByte(at++)];
						byte[] key = bytes(body, at);
						at += 4 + key.length;
						txn.delete(table, key);
					}
					case DELETE_PREFIX -> {
						AuxTable table = TABLES[body.getByte(at++)];
						byte[] prefix = bytes(body, at);
						at += 4 + prefix.length;
						txn.deletePrefix(table, prefix);
					}
					default -> throw new CorruptDataException(
							"Unknown change " + op + " at byte " + (at - 1) + " of " + what + " in the journal");
				}
			}
		}
		catch (IndexOutOfBoundsException ex) {
			throw new CorruptDataException(what + " in the journal ends inside a change; its checksum held, so "
					+ "it was written this way: restore the store from a backup", ex);
		}
	}

	private static byte[] bytes(DirectBuffer body, int at) {
		int length = body.getInt(at, ORDER);
		byte[] bytes = new byte[length];
		body.getBytes(at + 4, bytes);
		return bytes;
	}

}

package io.varve.core.processor;

import java.nio.ByteOrder;

import org.agrona.DirectBuffer;

import io.varve.CorruptDataException;

/**
 * The stored value of a checkpoint: a format byte and the big-endian position. The format
 * byte leaves room for more state later.
 */
final class CheckpointRecord {

	private static final byte FORMAT = 1;

	private CheckpointRecord() {
	}

	static byte[] encode(long position) {
		byte[] bytes = new byte[9];
		bytes[0] = FORMAT;
		for (int i = 0; i < 8; i++) {
			bytes[1 + i] = (byte) (position >>> (56 - 8 * i));
		}
		return bytes;
	}

	static long decode(DirectBuffer value, String processor) {
		if (value.capacity() < 9 || value.getByte(0) != FORMAT) {
			throw new CorruptDataException("The stored checkpoint of processor '" + processor
					+ "' is not in a format this Varve reads; reset the processor or restore the store from a backup");
		}
		return value.getLong(1, ByteOrder.BIG_ENDIAN);
	}

}

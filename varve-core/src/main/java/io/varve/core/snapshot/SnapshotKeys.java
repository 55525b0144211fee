package io.varve.core.snapshot;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.agrona.DirectBuffer;

import io.varve.core.storage.AuxTable;
import io.varve.core.storage.EntryVisitor;
import io.varve.core.storage.Keys;
import io.varve.core.storage.ReadTxn;

/**
 * Keys of the snapshot table: the stream name in UTF-8, a zero byte (no stream name holds
 * one) and the version as a big-endian long, so a stream's snapshots sort together,
 * oldest first. Values: the state's schema version (big-endian int), then the encoded
 * state.
 */
final class SnapshotKeys {

	private SnapshotKeys() {
	}

	static byte[] prefix(byte[] stream) {
		byte[] prefix = new byte[stream.length + 1];
		System.arraycopy(stream, 0, prefix, 0, stream.length);
		return prefix;
	}

	static byte[] key(byte[] stream, long version) {
		return ByteBuffer.allocate(stream.length + 9).put(stream).put((byte) 0).putLong(version).array();
	}

	static boolean isOf(DirectBuffer key, byte[] prefix) {
		return key.capacity() == prefix.length + 8 && Keys.startsWith(key, prefix);
	}

	/**
	 * Visits a stream's snapshot entries, oldest first.
	 * @param txn the transaction
	 * @param prefix the stream's {@link #prefix}
	 * @param visitor told each entry; returning false stops the visit
	 */
	static void scan(ReadTxn txn, byte[] prefix, EntryVisitor visitor) {
		txn.scan(AuxTable.SNAPSHOTS, prefix, (key, value) -> {
			if (!Keys.startsWith(key, prefix)) {
				return false;
			}
			return !isOf(key, prefix) || visitor.visit(key, value);
		});
	}

	static long version(DirectBuffer key) {
		return key.getLong(key.capacity() - 8, ByteOrder.BIG_ENDIAN);
	}

	static byte[] value(int schemaVersion, byte[] data) {
		return ByteBuffer.allocate(4 + data.length).putInt(schemaVersion).put(data).array();
	}

}

package io.varve.core.snapshot;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import io.varve.core.storage.AuxTable;
import io.varve.core.storage.WriteTxn;
import io.varve.core.write.WriteContext;
import io.varve.core.write.WriteRequest;

/**
 * Stores one snapshot and removes the stream's older ones beyond the newest
 * {@code keepLast}, or (with no snapshot) removes all of a stream's snapshots. The result
 * is the number removed.
 */
final class SnapshotWrite extends WriteRequest<Long> {

	private final byte[] prefix;

	private final byte[] key;

	private final byte[] value;

	private final int keepLast;

	private final @Nullable String stream;

	private final @Nullable SnapshotSealing sealing;

	/** A save. */
	SnapshotWrite(byte[] stream, long version, byte[] value, int keepLast) {
		this(stream, version, value, keepLast, null, null);
	}

	/** A save, sealed in an encrypted store. */
	SnapshotWrite(byte[] stream, long version, byte[] value, int keepLast, @Nullable String streamName,
			@Nullable SnapshotSealing sealing) {
		super(true);
		this.prefix = SnapshotKeys.prefix(stream);
		this.key = SnapshotKeys.key(stream, version);
		this.value = value;
		this.keepLast = keepLast;
		this.stream = streamName;
		this.sealing = sealing;
	}

	/** A removal of all of a stream's snapshots. */
	SnapshotWrite(byte[] stream) {
		super(false);
		this.prefix = SnapshotKeys.prefix(stream);
		this.key = null;
		this.value = null;
		this.keepLast = 0;
		this.stream = null;
		this.sealing = null;
	}

	@Override
	protected Long apply(WriteContext context) {
		WriteTxn txn = context.txn();
		if (this.key != null) {
			txn.put(AuxTable.SNAPSHOTS, this.key, (this.sealing != null) ? sealed(context) : this.value);
		}
		List<byte[]> keys = new ArrayList<>();
		SnapshotKeys.scan(txn, this.prefix, (key, value) -> {
			byte[] copy = new byte[key.capacity()];
			key.getBytes(0, copy);
			keys.add(copy);
			return true;
		});
		long removed = 0;
		for (int i = 0; i < keys.size() - this.keepLast; i++) {
			if (txn.delete(AuxTable.SNAPSHOTS, keys.get(i))) {
				removed++;
			}
		}
		return removed;
	}

	/** The value with its state sealed: the schema version stays first, in clear. */
	private byte[] sealed(WriteContext context) {
		byte[] state = java.util.Arrays.copyOfRange(this.value, 4, this.value.length);
		byte[] sealed = this.sealing.seal(this.stream, SnapshotSealing.boundTo(this.key, this.value), state, context);
		byte[] stored = java.util.Arrays.copyOf(this.value, 4 + sealed.length);
		System.arraycopy(sealed, 0, stored, 4, sealed.length);
		return stored;
	}

	@Override
	protected int eventCount() {
		return 0;
	}

	@Override
	protected long byteSize() {
		return (this.value != null) ? this.key.length + this.value.length : this.prefix.length;
	}

}

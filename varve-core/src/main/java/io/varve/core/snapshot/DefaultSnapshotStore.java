package io.varve.core.snapshot;

import java.nio.ByteOrder;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import org.agrona.DirectBuffer;
import org.jspecify.annotations.Nullable;

import io.varve.InvalidArgumentException;
import io.varve.Snapshot;
import io.varve.SnapshotStore;
import io.varve.core.codec.Names;
import io.varve.core.codec.PayloadCodec;
import io.varve.core.storage.AuxTable;
import io.varve.core.storage.ReadTxn;
import io.varve.core.storage.StorageEngine;
import io.varve.core.storage.WriteTxn;
import io.varve.core.write.GroupCommitWriter;

/**
 * The snapshot table of a store: reads in their own snapshots of the storage engine,
 * writes through the group commit writer.
 */
public final class DefaultSnapshotStore implements SnapshotStore {

	/**
	 * Deletes every snapshot of a stream, in a write transaction (a deleted stream's
	 * state goes with its events).
	 * @param txn the transaction
	 * @param stream the stream name in UTF-8
	 * @return how many were deleted
	 */
	public static long deleteAll(WriteTxn txn, byte[] stream) {
		return txn.deletePrefix(AuxTable.SNAPSHOTS, SnapshotKeys.prefix(stream));
	}

	private final StorageEngine engine;

	private final Supplier<GroupCommitWriter> writer;

	private final Runnable openCheck;

	private final PayloadCodec codec;

	private final @Nullable SnapshotSealing sealing;

	/**
	 * @param engine the storage engine
	 * @param codec encodes and decodes states
	 * @param writer the writer (throws if the store is read-only)
	 * @param openCheck throws if the store is closed
	 */
	public DefaultSnapshotStore(StorageEngine engine, PayloadCodec codec, Supplier<GroupCommitWriter> writer,
			Runnable openCheck) {
		this(engine, codec, writer, openCheck, null);
	}

	/**
	 * @param engine the storage engine
	 * @param codec encodes and decodes states
	 * @param writer the writer (throws if the store is read-only)
	 * @param openCheck throws if the store is closed
	 * @param sealing seals states in an encrypted store, or null
	 */
	public DefaultSnapshotStore(StorageEngine engine, PayloadCodec codec, Supplier<GroupCommitWriter> writer,
			Runnable openCheck, @Nullable SnapshotSealing sealing) {
		this.sealing = sealing;
		this.engine = engine;
		this.codec = codec;
		this.writer = writer;
		this.openCheck = openCheck;
	}

	@Override
	public Optional<Snapshot> latest(String stream) {
		byte[] name = Names.streamName(stream);
		byte[] prefix = SnapshotKeys.prefix(name);
		this.openCheck.run();
		try (ReadTxn txn = this.engine.beginRead()) {
			Snapshot[] found = new Snapshot[1];
			SnapshotKeys.scan(txn, prefix, (key, value) -> {
				if (value.capacity() >= 4) {
					Snapshot snapshot = snapshot(stream, key, value);
					if (snapshot != null) {
						found[0] = snapshot;
					}
				}
				return true;
			});
			return Optional.ofNullable(found[0]);
		}
	}

	/** The snapshot an entry holds, or null when its stream was forgotten. */
	private @Nullable Snapshot snapshot(String stream, DirectBuffer key, DirectBuffer value) {
		byte[] data = new byte[value.capacity() - 4];
		value.getBytes(4, data);
		if (this.sealing != null) {
			byte[] tableKey = new byte[key.capacity()];
			key.getBytes(0, tableKey);
			byte[] schema = new byte[4];
			value.getBytes(0, schema);
			data = this.sealing.open(SnapshotSealing.boundTo(tableKey, schema), data);
			if (data == null) {
				return null;
			}
		}
		return new Snapshot(stream, SnapshotKeys.version(key), value.getInt(0, ByteOrder.BIG_ENDIAN), data);
	}

	@Override
	public <T> T decode(Snapshot snapshot, Class<T> type) {
		if (snapshot == null || type == null) {
			throw new InvalidArgumentException("Snapshot and class must not be null");
		}
		byte[] data = snapshot.data();
		return this.codec.decode(data, 0, data.length, type,
				() -> "the snapshot of stream '" + snapshot.stream() + "' at version " + snapshot.version());
	}

	@Override
	public CompletableFuture<Void> save(String stream, long version, int schemaVersion, Object state, int keepLast) {
		if (state == null) {
			throw new InvalidArgumentException("Snapshot state must not be null");
		}
		if (keepLast < 1) {
			throw new InvalidArgumentException("keepLast must be at least 1, got " + keepLast);
		}
		byte[] name = Names.streamName(stream);
		this.openCheck.run();
		GroupCommitWriter target = this.writer.get();
		Snapshot snapshot = new Snapshot(stream, version, schemaVersion,
				this.codec.encode(state, () -> "the snapshot of stream '" + stream + "'"));
		return target
			.submit(new SnapshotWrite(name, snapshot.version(),
					SnapshotKeys.value(snapshot.schemaVersion(), snapshot.data()), keepLast, stream, this.sealing))
			.thenApply((removed) -> null);
	}

	@Override
	public long delete(String stream) {
		byte[] name = Names.streamName(stream);
		this.openCheck.run();
		return this.writer.get().submit(new SnapshotWrite(name)).join();
	}

	@Override
	public long count() {
		return size()[0];
	}

	@Override
	public long bytes() {
		return size()[1];
	}

	private long[] size() {
		this.openCheck.run();
		try (ReadTxn txn = this.engine.beginRead()) {
			return txn.tableSize(AuxTable.SNAPSHOTS);
		}
	}

}

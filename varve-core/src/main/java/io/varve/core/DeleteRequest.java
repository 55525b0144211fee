package io.varve.core;

import java.nio.charset.StandardCharsets;

import org.jspecify.annotations.Nullable;

import org.agrona.collections.LongArrayList;

import io.varve.DeleteResult;
import io.varve.EventsDeleted;
import io.varve.ExpectedVersion;
import io.varve.StreamDeletedException;
import io.varve.WrongExpectedVersionException;
import io.varve.core.codec.Envelope;
import io.varve.core.codec.PayloadCodec;
import io.varve.core.snapshot.DefaultSnapshotStore;
import io.varve.core.storage.DeletedPositions;
import io.varve.core.storage.StreamRecord;
import io.varve.core.storage.WriteTxn;
import io.varve.core.write.WriteContext;
import io.varve.core.write.WriteRequest;

/**
 * Deletes a stream's events in one transaction: the whole stream (leaving a tombstone
 * that remembers its last version) or its events before a version. The events leave the
 * log and the stream index (their space is freed for later appends); their positions stay
 * taken and readers pass over them; their event ids stay indexed, so that a retried
 * append of a deleted event is recognised instead of written again. A record of the
 * deletion ({@link EventsDeleted}) takes the next position, so that processors that ask
 * for deletions see it in log order, exactly once with their checkpoints.
 */
final class DeleteRequest extends WriteRequest<DeleteResult> {

	private static final byte[] TYPE = EventsDeleted.TYPE.getBytes(StandardCharsets.UTF_8);

	private final String stream;

	private final byte[] name;

	private final @Nullable ExpectedVersion expected;

	private final long beforeVersion;

	private final PayloadCodec codec;

	/**
	 * @param stream the stream
	 * @param expected the expected version for a whole-stream delete, or null to truncate
	 * @param beforeVersion for a truncation, the first version to keep
	 * @param codec encodes the deletion record
	 */
	private DeleteRequest(String stream, @Nullable ExpectedVersion expected, long beforeVersion, PayloadCodec codec,
			boolean async) {
		super(async);
		this.stream = stream;
		this.name = stream.getBytes(StandardCharsets.UTF_8);
		this.expected = expected;
		this.beforeVersion = beforeVersion;
		this.codec = codec;
	}

	static DeleteRequest deleteStream(String stream, ExpectedVersion expected, PayloadCodec codec) {
		return new DeleteRequest(stream, expected, Long.MAX_VALUE, codec, false);
	}

	static DeleteRequest truncateBefore(String stream, long version, PayloadCodec codec, boolean async) {
		return new DeleteRequest(stream, null, version, codec, async);
	}

	@Override
	protected int eventCount() {
		return 1;
	}

	@Override
	protected long byteSize() {
		return 128;
	}

	@Override
	protected DeleteResult apply(WriteContext context) {
		WriteTxn txn = context.txn();
		StreamRecord head = txn.stream(this.name);
		boolean wholeStream = this.expected != null;
		if (head == null) {
			throw new WrongExpectedVersionException(this.stream,
					wholeStream ? this.expected : ExpectedVersion.streamExists(), 0);
		}
		if (head.deleted()) {
			throw new StreamDeletedException(this.stream, head.version());
		}
		if (wholeStream && !this.expected.isMetBy(head.version())) {
			throw new WrongExpectedVersionException(this.stream, this.expected, head.version());
		}
		long from = head.firstVersion();
		long to = wholeStream ? head.version() : Math.min(head.version(), this.beforeVersion - 1);
		if (to < from && !wholeStream) {
			// Nothing before that version is left: nothing to write.
			return new DeleteResult(this.stream, from, from - 1, 0, false);
		}
		// Read before writing: a failure here has changed nothing.
		LongArrayList positions = new LongArrayList();
		long[] firstKept = { 0 };
		if (to >= from) {
			long last = to;
			txn.scanStream(this.name, head, from, true, (position, envelope) -> {
				if (Envelope.version(envelope) > last) {
					firstKept[0] = position;
					return false;
				}
				positions.addLong(position);
				return true;
			});
		}
		byte[] record = this.codec.encode(new EventsDeleted(this.stream, from, to, wholeStream),
				() -> "the record of a deletion");
		byte[] envelope = Envelope.encode(EventIds.next(), null, null, TYPE, 1, this.name, null, record);
		Envelope.markSystem(envelope);
		// The record's position first: from here on the writer knows this request wrote.
		long position = context.nextPosition();
		txn.appendEvent(position, envelope, 0, envelope.length, 0, context.timestampMicros(), 0);
		for (int i = 0; i < positions.size(); i++) {
			txn.deleteEvent(positions.getLong(i));
		}
		DeletedPositions.add(txn, positions.size());
		// Index blocks wholly before the first version kept go; a block holding it stays.
		long keptFrom = to + 1;
		long fullBlocks = head.fullBlocks();
		for (long block = (from - 1) / StreamRecord.BLOCK; block < fullBlocks
				&& (block + 1) * StreamRecord.BLOCK < keptFrom; block++) {
			txn.deleteStreamBlock(head.streamId(), block);
		}
		long firstPosition = (firstKept[0] != 0) ? firstKept[0]
				: (keptFrom <= head.version()) ? head.lastPosition() : head.firstPosition();
		if (wholeStream) {
			DefaultSnapshotStore.deleteAll(txn, this.name);
		}
		txn.putStream(this.name, new StreamRecord(head.streamId(), head.version(), firstPosition, head.lastPosition(),
				head.createdMicros(), head.updatedMicros(), keptFrom, wholeStream));
		return new DeleteResult(this.stream, from, to, position, wholeStream);
	}

}

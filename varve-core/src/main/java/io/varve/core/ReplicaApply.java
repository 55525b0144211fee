package io.varve.core;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.agrona.DirectBuffer;

import io.varve.ReplicatedEvent;
import io.varve.ReplicationException;
import io.varve.core.codec.Envelope;
import io.varve.core.codec.Names;
import io.varve.core.evolve.StoredSchemas;
import io.varve.core.storage.DeletedPositions;
import io.varve.core.storage.StreamRecord;
import io.varve.core.storage.WriteTxn;
import io.varve.core.write.WriteContext;
import io.varve.core.write.WriteRequest;

/**
 * Stores replicated events as their source stored them: at their own positions (the next
 * ones of the log, with no gap), at the next versions of their streams, with their ids
 * and timestamps. Events at or below the head are a feed's redelivery: skipped when they
 * are what is stored there, refused when not.
 */
final class ReplicaApply extends WriteRequest<Long> {

	private final List<ReplicatedEvent> events;

	private final StoredSchemas schemas;

	private final String store;

	private final long bytes;

	private final boolean deletionsAllowed;

	private final @Nullable StreamSealing sealing;

	/**
	 * @param events the events
	 * @param schemas the stored schemas
	 * @param store the store's name, for messages
	 * @param async whether the caller does not wait
	 * @param deletionsAllowed whether gaps in positions and streams starting above
	 * version 1 are taken as events deleted before the copy was made
	 * @param sealing seals the events of an encrypted store, or null
	 */
	ReplicaApply(List<ReplicatedEvent> events, StoredSchemas schemas, String store, boolean async,
			boolean deletionsAllowed, @Nullable StreamSealing sealing) {
		super(async);
		this.deletionsAllowed = deletionsAllowed;
		this.sealing = sealing;
		this.events = events;
		this.schemas = schemas;
		this.store = store;
		long size = 0;
		for (ReplicatedEvent event : events) {
			size += event.data().length + ((event.metadata() != null) ? event.metadata().length : 0) + 128;
		}
		this.bytes = size;
	}

	@Override
	protected int eventCount() {
		return this.events.size();
	}

	@Override
	protected long byteSize() {
		return this.bytes;
	}

	@Override
	protected Long apply(WriteContext context) {
		WriteTxn txn = context.txn();
		Map<String, Tail> tails = new LinkedHashMap<>();
		// Heads are written at the end, so new streams are numbered here.
		long[] nextStreamId = { txn.streamCount() + 1 };
		StoredSchemas.@Nullable Pending schemasToRecord = null;
		Map<String, byte[]> typeNames = new HashMap<>();
		@Nullable String lastType = null;
		int lastVersion = 0;
		for (ReplicatedEvent event : this.events) {
			if (event.position() <= context.head()) {
				checkRedelivered(txn, event);
				continue;
			}
			long position = context.nextPosition();
			if (event.position() > position && this.deletionsAllowed) {
				// Positions of events deleted before the copy was made.
				long gap = event.position() - position;
				while (position < event.position()) {
					position = context.nextPosition();
				}
				DeletedPositions.add(txn, gap);
			}
			if (event.position() != position) {
				throw new ReplicationException("Replica " + this.store + " holds events up to position "
						+ (position - 1) + " but the next event its feed gave is at position " + event.position()
						+ ": events are missing from the feed (a topic's retention removed them, or the forwarder "
						+ "filters events); rebuild the replica from an empty directory fed by an unfiltered log "
						+ "topic that keeps every event");
			}
			Tail tail = tails.computeIfAbsent(event.stream(),
					(stream) -> new Tail(txn, stream, nextStreamId, this.sealing, context));
			if (this.deletionsAllowed && tail.isNew && tail.tail.version() == 0 && event.version() > 1) {
				// A stream whose first events were deleted before the copy was made.
				tail.tail.startAt(event.version(), position);
			}
			if (event.version() != tail.tail.version() + 1) {
				throw new ReplicationException("Replica " + this.store + " has stream '" + event.stream()
						+ "' at version " + tail.tail.version() + " but the event at position " + position
						+ " is its version " + event.version() + ": the replica was not fed from this source from "
						+ "its start; rebuild it from an empty directory");
			}
			byte[] type = typeNames.computeIfAbsent(event.type(), (name) -> Names.name("event type", name));
			byte[] envelope = Envelope.encode(event.id(), event.correlationId(), event.causationId(), type,
					event.schemaVersion(), tail.name, event.metadata(), event.data());
			if (tail.firstMicros == 0) {
				tail.firstMicros = event.timestampMicros();
			}
			tail.lastMicros = event.timestampMicros();
			tail.tail.add(position, envelope, 0, envelope.length, event.timestampMicros());
			if (!txn.putEventId(event.id(), position)) {
				throw new ReplicationException("Replica " + this.store + " already holds event id " + event.id()
						+ " at position " + txn.positionOf(event.id()) + ", so it cannot also be at position "
						+ position + ": the replica was not fed from this source alone; rebuild it from an empty "
						+ "directory");
			}
			if (!event.type().equals(lastType) || event.schemaVersion() != lastVersion) {
				schemasToRecord = this.schemas.check(event.type(), event.schemaVersion(), schemasToRecord);
				lastType = event.type();
				lastVersion = event.schemaVersion();
			}
		}
		tails.values().forEach((tail) -> tail.tail.putHead(tail.name, tail.firstMicros, tail.lastMicros));
		if (schemasToRecord != null) {
			schemasToRecord.record(txn, context);
		}
		return context.head();
	}

	private void checkRedelivered(WriteTxn txn, ReplicatedEvent event) {
		DirectBuffer stored = txn.event(event.position());
		if (stored == null || !Envelope.id(stored).equals(event.id()) || Envelope.version(stored) != event.version()
				|| !Envelope.isOfStream(stored, Names.streamName(event.stream()))) {
			throw new ReplicationException("Replica " + this.store + " holds a different event at position "
					+ event.position() + " than its feed gave again (id " + event.id() + " of '" + event.stream()
					+ "'): the replica and the feed come from different stores; rebuild the replica from an empty "
					+ "directory");
		}
	}

	/** A stream this call adds to. */
	private static final class Tail {

		final byte[] name;

		final StreamTail tail;

		long firstMicros;

		long lastMicros;

		final boolean isNew;

		Tail(WriteTxn txn, String stream, long[] nextStreamId, @Nullable StreamSealing sealing, WriteContext context) {
			this.name = Names.streamName(stream);
			StreamRecord head = txn.stream(this.name);
			if (sealing != null) {
				sealing.checkAppendable(stream, head);
			}
			this.tail = new StreamTail(txn, head, nextStreamId[0],
					(sealing != null) ? sealing.sealerFor(stream, context) : null);
			this.isNew = head == null;
			if (head == null) {
				nextStreamId[0]++;
			}
		}

	}

}

package io.varve.core;

import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;

import io.varve.DuplicateEventIdException;
import io.varve.EventData;
import io.varve.EventTooLargeException;
import io.varve.ExpectedVersion;
import io.varve.InvalidArgumentException;
import io.varve.core.codec.Envelope;
import io.varve.core.codec.EventTypeRegistry;
import io.varve.core.codec.Names;
import io.varve.core.codec.PayloadCodec;

/**
 * Checks and encodes an append's events into envelopes before they are queued, so the
 * writer thread only copies bytes. Ids, type names and duplicate checks are done in order
 * on the caller's thread; the Smile encoding of a large append is spread over the common
 * fork-join pool, with the caller taking part, because a single caller appending
 * thousands of events would otherwise leave the writer idle while it encodes.
 */
final class EventEncoder {

	/** Appends with at least this many events are encoded in parallel. */
	static final int PARALLEL_THRESHOLD = 512;

	private final PayloadCodec codec;

	private final EventTypeRegistry registry;

	private final int maxEventSize;

	EventEncoder(PayloadCodec codec, EventTypeRegistry registry, int maxEventSize) {
		this.codec = codec;
		this.registry = registry;
		this.maxEventSize = maxEventSize;
	}

	/**
	 * Checks and encodes one stream's part of an append.
	 * @param stream the stream name
	 * @param expected the expected version
	 * @param events the events
	 * @param seen explicit ids already used by the same append (across a transaction's
	 * parts); updated
	 * @return the encoded part
	 */
	PreparedAppend prepare(String stream, ExpectedVersion expected, List<EventData> events, Set<UUID> seen) {
		byte[] streamName = Names.streamName(stream);
		if (expected == null) {
			throw new InvalidArgumentException(
					"Expected version must not be null; use ExpectedVersion.any() for no check");
		}
		if (events == null || events.isEmpty()) {
			throw new InvalidArgumentException("An append to '" + stream + "' needs at least one event");
		}
		int count = events.size();
		EventData[] data = events.toArray(new EventData[0]);
		byte[][] types = new byte[count][];
		UUID[] ids = new UUID[count];
		EventIds.Generator generator = EventIds.generator();
		boolean explicitIds = false;
		for (int i = 0; i < count; i++) {
			if (data[i] == null) {
				throw new InvalidArgumentException("Event " + i + " of the append to '" + stream + "' is null");
			}
			types[i] = this.registry.registerForAppend(data[i].event().getClass());
			UUID id = data[i].id();
			if (id != null) {
				explicitIds = true;
				if (!seen.add(id)) {
					throw new DuplicateEventIdException("Event id " + id + " appears more than once in one append to '"
							+ stream + "'; every event needs its own id");
				}
			}
			else {
				id = generator.next();
			}
			ids[i] = id;
		}
		byte[][] envelopes = new byte[count][];
		IntStream indexes = IntStream.range(0, count);
		if (count >= PARALLEL_THRESHOLD) {
			indexes = indexes.parallel();
		}
		indexes.forEach((i) -> envelopes[i] = envelope(stream, streamName, i, data[i], types[i], ids[i]));
		long bytes = 0;
		for (byte[] envelope : envelopes) {
			bytes += envelope.length;
		}
		return new PreparedAppend(stream, streamName, expected, envelopes, ids, explicitIds, bytes);
	}

	private byte[] envelope(String stream, byte[] streamName, int index, EventData data, byte[] type, UUID id) {
		Object event = data.event();
		byte[] payload = this.codec.encode(event, () -> "event " + index + " of the append to '" + stream + "'");
		byte[] metadata = (data.metadata() != null) ? this.codec.encode(data.metadata(),
				() -> "the metadata of event " + index + " of the append to '" + stream + "'") : null;
		byte[] envelope = Envelope.encode(id, data.correlationId(), data.causationId(), type, streamName, metadata,
				payload);
		if (envelope.length > this.maxEventSize) {
			throw new EventTooLargeException("Event " + index + " (" + event.getClass().getSimpleName()
					+ ") of the append to '" + stream + "' is " + envelope.length + " bytes encoded (payload "
					+ payload.length + ", metadata " + ((metadata != null) ? metadata.length : 0)
					+ "), over the limit of " + this.maxEventSize
					+ " bytes; make it smaller or raise the limit (VarveBuilder.maxEventSize, property varve.max-event-size)");
		}
		return envelope;
	}

}

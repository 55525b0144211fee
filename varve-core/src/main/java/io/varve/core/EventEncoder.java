package io.varve.core;

import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import io.varve.DuplicateEventIdException;
import io.varve.EventData;
import io.varve.EventTooLargeException;
import io.varve.ExpectedVersion;
import io.varve.InvalidArgumentException;
import io.varve.core.codec.Envelope;
import io.varve.core.codec.EnvelopeBuffer;
import io.varve.core.codec.EventTypeRegistry;
import io.varve.core.codec.Names;
import io.varve.core.codec.PayloadCodec;

/**
 * Checks and encodes an append's events into envelopes before they are queued, so the
 * writer thread only copies bytes. Everything runs on the caller's thread, in order, into
 * one {@link EnvelopeBuffer} per append. (Spreading a large append's encoding over the
 * common pool was measured: on two cores it bought nothing, because the writer thread
 * needs the other core.)
 */
final class EventEncoder {

	private final PayloadCodec codec;

	private final EventTypeRegistry registry;

	private final int maxEventSize;

	/** Average envelope size of the last append, to size the next one's buffer. */
	private volatile int averageSize = 256;

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
		Class<?> lastType = null;
		byte[] lastTypeName = null;
		for (int i = 0; i < count; i++) {
			if (data[i] == null) {
				throw new InvalidArgumentException("Event " + i + " of the append to '" + stream + "' is null");
			}
			Class<?> type = data[i].event().getClass();
			if (type != lastType) {
				lastTypeName = this.registry.registerForAppend(type);
				lastType = type;
			}
			types[i] = lastTypeName;
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
		EnvelopeBuffer envelopes = new EnvelopeBuffer(count, (int) Math.min(1 << 20, (long) count * this.averageSize));
		for (int i = 0; i < count; i++) {
			int index = i;
			EventData event = data[i];
			int length = envelopes.add(this.codec, ids[i], event.correlationId(), event.causationId(), types[i],
					streamName, event.metadata(), event.event(),
					() -> "event " + index + " of the append to '" + stream + "'");
			if (length > this.maxEventSize) {
				throw tooLarge(stream, i, event, envelopes);
			}
		}
		this.averageSize = Math.max(64, envelopes.totalBytes() / count);
		return new PreparedAppend(stream, streamName, expected, envelopes, ids, explicitIds, envelopes.totalBytes());
	}

	private EventTooLargeException tooLarge(String stream, int index, EventData event, EnvelopeBuffer envelopes) {
		DirectBuffer envelope = new UnsafeBuffer(envelopes.bytes(), envelopes.offset(index), envelopes.length(index));
		return new EventTooLargeException("Event " + index + " (" + event.event().getClass().getSimpleName()
				+ ") of the append to '" + stream + "' is " + envelope.capacity() + " bytes encoded (payload "
				+ Envelope.payloadLength(envelope) + ", metadata " + Envelope.metadataLength(envelope)
				+ "), over the limit of " + this.maxEventSize
				+ " bytes; make it smaller or raise the limit (VarveBuilder.maxEventSize, property varve.max-event-size)");
	}

}

package io.varve.core;

import io.varve.core.evolve.StoredSchemas;

import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.IntConsumer;

import org.jspecify.annotations.Nullable;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import io.varve.DuplicateEventIdException;
import io.varve.EventData;
import io.varve.EventTooLargeException;
import io.varve.ExpectedVersion;
import io.varve.InvalidArgumentException;
import io.varve.VarveException;
import io.varve.core.codec.Envelope;
import io.varve.core.codec.EnvelopeBuffer;
import io.varve.core.codec.EventTypeRegistry;
import io.varve.core.codec.Names;
import io.varve.core.codec.PayloadCodec;

/**
 * Checks and encodes an append's events into envelopes on the caller's thread, so the
 * writer thread only copies bytes. Everything is checked before anything is queued. A
 * small append is encoded whole and then queued; a large synchronous one made while the
 * writer is idle is queued once its first envelopes are encoded, and the writer stores
 * them while the caller encodes the rest, so encoding and storing overlap on two cores
 * instead of taking turns. (Spreading the encoding itself over the common pool was
 * measured: on two cores it bought nothing, because the writer thread needs the other
 * core.)
 */
final class EventEncoder {

	/**
	 * Appends of at least this many events are queued while they are still being encoded.
	 */
	static final int STREAM_THRESHOLD = 256;

	/** Envelopes published to the writer at a time while a large append is encoded. */
	static final int SLICE = 32;

	private final PayloadCodec codec;

	private final EventTypeRegistry registry;

	private final StoredSchemas schemas;

	private final int maxEventSize;

	/** Average envelope size of the last append, to size the next one's buffer. */
	private volatile int averageSize = 256;

	EventEncoder(PayloadCodec codec, EventTypeRegistry registry, StoredSchemas schemas, int maxEventSize) {
		this.codec = codec;
		this.registry = registry;
		this.schemas = schemas;
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
		Pending pending = check(stream, expected, events, seen);
		encode(pending, null, null);
		return pending.part();
	}

	/**
	 * Checks one stream's part of an append (names, ids, types) without encoding it.
	 * @param stream the stream name
	 * @param expected the expected version
	 * @param events the events
	 * @param seen explicit ids already used by the same append; updated
	 * @return the part, its envelopes still to be {@linkplain #encode encoded}
	 */
	Pending check(String stream, ExpectedVersion expected, List<EventData> events, Set<UUID> seen) {
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
		int[] versions = new int[count];
		UUID[] ids = new UUID[count];
		EventIds.Generator generator = EventIds.generator();
		boolean explicitIds = false;
		Class<?> lastType = null;
		byte[] lastTypeName = null;
		int lastVersion = 1;
		StoredSchemas.Pending newSchemas = null;
		for (int i = 0; i < count; i++) {
			if (data[i] == null) {
				throw new InvalidArgumentException("Event " + i + " of the append to '" + stream + "' is null");
			}
			Class<?> type = data[i].event().getClass();
			if (type != lastType) {
				lastTypeName = this.registry.registerForAppend(type);
				lastVersion = EventTypeRegistry.versionOf(type);
				newSchemas = this.schemas.check(type, newSchemas);
				lastType = type;
			}
			types[i] = lastTypeName;
			versions[i] = lastVersion;
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
		long estimate = (long) count * this.averageSize;
		EnvelopeBuffer envelopes = new EnvelopeBuffer(count, (int) Math.min(1 << 20, estimate));
		return new Pending(
				new PreparedAppend(stream, streamName, expected, envelopes, ids, explicitIds, estimate, newSchemas),
				data, types, versions);
	}

	/**
	 * Encodes a checked part's envelopes. With {@code started} given, the envelopes are
	 * published in slices of {@link #SLICE} as they are encoded, and {@code started} runs
	 * once the first slice is readable (it queues the append, so the writer stores the
	 * first events while the rest are encoded). If encoding fails after that, the writer
	 * is told and fails the append without committing any of it; the failure is thrown
	 * here too.
	 * @param pending the checked part
	 * @param started run once the first envelopes are published, or null to publish only
	 * at the end
	 * @param published told the number of envelopes published after each later slice, or
	 * null
	 */
	void encode(Pending pending, @Nullable Runnable started, @Nullable IntConsumer published) {
		PreparedAppend part = pending.part();
		EnvelopeBuffer envelopes = part.envelopes();
		String stream = part.stream();
		int count = pending.data().length;
		boolean queued = false;
		try {
			for (int i = 0; i < count; i++) {
				int index = i;
				EventData event = pending.data()[i];
				int length = envelopes.add(this.codec, part.ids()[i], event.correlationId(), event.causationId(),
						pending.types()[i], pending.versions()[i], part.streamName(), event.metadata(), event.event(),
						() -> "event " + index + " of the append to '" + stream + "'");
				if (length > this.maxEventSize) {
					throw tooLarge(stream, i, event, envelopes);
				}
				if (started != null && (i + 1) % SLICE == 0) {
					envelopes.publish();
					if (!queued) {
						started.run();
						queued = true;
					}
					else {
						published.accept(i + 1);
					}
				}
			}
			envelopes.publish();
			if (started != null && !queued) {
				queued = true;
				started.run();
			}
		}
		catch (RuntimeException | Error ex) {
			if (queued) {
				envelopes.fail((ex instanceof VarveException varve) ? varve
						: new VarveException("Encoding the append to '" + stream + "' failed: " + ex, ex));
			}
			throw ex;
		}
		this.averageSize = (int) Math.max(64, envelopes.totalBytes() / count);
	}

	private EventTooLargeException tooLarge(String stream, int index, EventData event, EnvelopeBuffer envelopes) {
		DirectBuffer envelope = new UnsafeBuffer(envelopes.array(index), envelopes.offset(index),
				envelopes.length(index));
		return new EventTooLargeException("Event " + index + " (" + event.event().getClass().getSimpleName()
				+ ") of the append to '" + stream + "' is " + envelope.capacity() + " bytes encoded (payload "
				+ Envelope.payloadLength(envelope) + ", metadata " + Envelope.metadataLength(envelope)
				+ "), over the limit of " + this.maxEventSize
				+ " bytes; make it smaller or raise the limit (VarveBuilder.maxEventSize, property varve.max-event-size)");
	}

	/**
	 * A checked part whose envelopes are still to be encoded.
	 *
	 * @param part the part, with an empty envelope buffer
	 * @param data the events
	 * @param types their type names in UTF-8
	 * @param versions their schema versions
	 */
	record Pending(PreparedAppend part, EventData[] data, byte[][] types, int[] versions) {

	}

}

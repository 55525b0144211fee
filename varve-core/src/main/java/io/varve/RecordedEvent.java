package io.varve;

import java.nio.charset.CharacterCodingException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.agrona.concurrent.UnsafeBuffer;

import io.varve.core.codec.Envelope;
import io.varve.core.codec.EventTypeRegistry;
import io.varve.core.codec.Names;
import io.varve.core.codec.PayloadCodec;

/**
 * An event as stored: its envelope fields and its payload. Envelope fields are read
 * without decoding the payload; the payload is decoded only when {@link #data()} or
 * {@link #dataAs(Class)} is called, so a scan that looks only at positions, streams or
 * types never pays for decoding.
 *
 * <pre>{@code
 * for (RecordedEvent event : varve.readStream("account-42", 1, 100)) {
 *     if (event.data() instanceof Deposited deposited) {
 *         balance += deposited.amount();
 *     }
 * }
 * }</pre>
 *
 * Instances are created by Varve, are immutable and safe to share between threads.
 */
public final class RecordedEvent {

	private final byte[] envelope;

	private final UnsafeBuffer buffer;

	private final PayloadCodec codec;

	private final EventTypeRegistry registry;

	private String type;

	private String stream;

	private volatile Object data;

	/**
	 * Wraps a stored envelope. For Varve's own use: the bytes are checked and then owned
	 * by this object.
	 * @param envelope the envelope bytes
	 * @param codec the payload codec
	 * @param registry the event type registry
	 * @throws CorruptDataException if the bytes are not a valid envelope
	 */
	public RecordedEvent(byte[] envelope, PayloadCodec codec, EventTypeRegistry registry) {
		this.envelope = envelope;
		this.buffer = new UnsafeBuffer(envelope);
		this.codec = codec;
		this.registry = registry;
		Envelope.validate(this.buffer);
	}

	/** Global position in the log: gapless, starting at 1, in commit order. */
	public long position() {
		return Envelope.position(this.buffer);
	}

	/** The stream's version after this event: 1 for a stream's first event. */
	public long version() {
		return Envelope.version(this.buffer);
	}

	/** The event id. */
	public UUID id() {
		return Envelope.id(this.buffer);
	}

	/** When the event was committed. */
	public Instant timestamp() {
		long micros = Envelope.timestampMicros(this.buffer);
		return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
	}

	/** The commit time in microseconds since the epoch. */
	public long timestampMicros() {
		return Envelope.timestampMicros(this.buffer);
	}

	/** The correlation id, or null. */
	public UUID correlationId() {
		return Envelope.correlationId(this.buffer);
	}

	/** The causation id, or null. */
	public UUID causationId() {
		return Envelope.causationId(this.buffer);
	}

	/** The event type name (see {@link EventType}). */
	public String type() {
		String result = this.type;
		if (result == null) {
			result = text(Envelope.typeOffset(this.buffer), Envelope.typeLength(this.buffer), "type name");
			this.type = result;
		}
		return result;
	}

	/** The stream the event belongs to. */
	public String stream() {
		String result = this.stream;
		if (result == null) {
			result = text(Envelope.streamOffset(this.buffer), Envelope.streamLength(this.buffer), "stream name");
			this.stream = result;
		}
		return result;
	}

	/** The stream's category: the part of the stream name before the first {@code -}. */
	public String category() {
		return Varve.categoryOf(stream());
	}

	/**
	 * The class {@link #data()} decodes into: the one registered for {@link #type()} in
	 * this process, found without decoding the payload, so that code can decide whether
	 * it wants an event before paying for decoding it (or failing to).
	 *
	 * <pre>{@code
	 * if (event.dataClass().filter(AccountEvent.class::isAssignableFrom).isPresent()) {
	 *     AccountEvent accountEvent = (AccountEvent) event.data();
	 * }
	 * }</pre>
	 * @return the class, or empty when no class is registered for the type in this
	 * process
	 */
	public Optional<Class<?>> dataClass() {
		return this.registry.classFor(type());
	}

	/**
	 * The payload decoded into the class registered for {@link #type()}. Decoded once, on
	 * the first call.
	 * @return the event object
	 * @throws UnknownEventTypeException if no class is registered for the type in this
	 * process; use {@link #dataAs(Class)} or {@link #rawData()} instead
	 */
	public Object data() {
		Object result = this.data;
		if (result == null) {
			Class<?> type = this.registry.classFor(type())
				.orElseThrow(() -> new UnknownEventTypeException("No class is registered for event type '" + type()
						+ "' (event " + id() + " at position " + position()
						+ "); register it with Varve.builder().eventTypes(...) or read it with dataAs(YourClass.class)"));
			result = dataAs(type);
			this.data = result;
		}
		return result;
	}

	/**
	 * The payload decoded into a class of the caller's choosing.
	 * @param <T> the class
	 * @param type the class to decode into
	 * @return the event object
	 * @throws EventDecodingException if the payload does not fit that class
	 */
	public <T> T dataAs(Class<T> type) {
		if (type == null) {
			throw new InvalidArgumentException("Class to decode into must not be null");
		}
		if (this.data != null && type.isInstance(this.data)) {
			return type.cast(this.data);
		}
		return this.codec.decode(this.envelope, Envelope.payloadOffset(this.buffer),
				Envelope.payloadLength(this.buffer), type, () -> describe("payload"));
	}

	/** A copy of the Smile-encoded payload. */
	public byte[] rawData() {
		int offset = Envelope.payloadOffset(this.buffer);
		return Arrays.copyOfRange(this.envelope, offset, offset + Envelope.payloadLength(this.buffer));
	}

	/** Size of the encoded payload in bytes. */
	public int dataSize() {
		return Envelope.payloadLength(this.buffer);
	}

	/** Whether the event carries metadata. */
	public boolean hasMetadata() {
		return Envelope.metadataOffset(this.buffer) >= 0;
	}

	/**
	 * The metadata as a map of names to plain values (strings, numbers, booleans, lists,
	 * maps); empty when there is none.
	 * @return an unmodifiable map
	 */
	public Map<String, Object> metadata() {
		int offset = Envelope.metadataOffset(this.buffer);
		if (offset < 0) {
			return Map.of();
		}
		return this.codec.decodeMap(this.envelope, offset, Envelope.metadataLength(this.buffer), describe("metadata"));
	}

	/**
	 * The metadata decoded into a class of the caller's choosing.
	 * @param <T> the class
	 * @param type the class to decode into
	 * @return the metadata, or null when the event has none
	 */
	public <T> T metadataAs(Class<T> type) {
		if (type == null) {
			throw new InvalidArgumentException("Class to decode into must not be null");
		}
		int offset = Envelope.metadataOffset(this.buffer);
		if (offset < 0) {
			return null;
		}
		return this.codec.decode(this.envelope, offset, Envelope.metadataLength(this.buffer), type,
				describe("metadata"));
	}

	/** A copy of the whole stored envelope, for tools that move events between stores. */
	public byte[] envelope() {
		return this.envelope.clone();
	}

	private String text(int offset, int length, String what) {
		try {
			return Names.decodeUtf8(this.envelope, offset, length);
		}
		catch (CharacterCodingException ex) {
			throw new CorruptDataException("The " + what + " of the event at position " + position()
					+ " is not valid UTF-8; the store file is damaged, restore it from a backup", ex);
		}
	}

	private String describe(String what) {
		return "the " + what + " of event " + id() + " (type '" + type() + "', position " + position() + ")";
	}

	@Override
	public String toString() {
		return "RecordedEvent[position=" + position() + ", stream=" + stream() + ", version=" + version() + ", type="
				+ type() + ", id=" + id() + "]";
	}

}

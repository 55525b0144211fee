package io.varve.core.read;

import java.nio.charset.CharacterCodingException;
import java.util.Arrays;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.agrona.concurrent.UnsafeBuffer;

import tools.jackson.databind.JsonNode;

import io.varve.CorruptDataException;
import io.varve.InvalidArgumentException;
import io.varve.RecordedEvent;
import io.varve.core.codec.Envelope;
import io.varve.core.codec.EnvelopeChecksum;
import io.varve.core.codec.EventTypeRegistry;
import io.varve.core.codec.Names;
import io.varve.core.codec.PayloadCodec;

/**
 * A {@link RecordedEvent} read from the store: the envelope bytes, checked once, with
 * fields read from them on demand and the payload decoded on the first call that needs
 * it.
 */
public final class StoredEvent extends EnvelopeEvent {

	private final PayloadCodec codec;

	private String type;

	private String stream;

	private volatile Object data;

	/**
	 * Wraps a stored envelope: the bytes are checked and then owned by this object.
	 * @param envelope the envelope bytes
	 * @param codec the payload codec
	 * @param registry the event type registry
	 * @throws CorruptDataException if the bytes are not a valid envelope
	 */
	public StoredEvent(byte[] envelope, PayloadCodec codec, EventTypeRegistry registry) {
		this(envelope, codec, registry, false);
	}

	/**
	 * Wraps envelope bytes that are checked already: a decrypted envelope, whose sealed
	 * form was checked as stored and whose tag proved the rest.
	 * @param envelope the envelope bytes
	 * @param codec the payload codec
	 * @param registry the event type registry
	 * @param checked whether the bytes were checked (else they are checked here)
	 */
	StoredEvent(byte[] envelope, PayloadCodec codec, EventTypeRegistry registry, boolean checked) {
		super(envelope, registry);
		this.codec = codec;
		if (!checked) {
			check(envelope, this.buffer);
		}
	}

	/**
	 * Checks a stored envelope's structure and checksum.
	 * @param envelope the envelope bytes
	 * @param buffer the same bytes wrapped
	 * @throws CorruptDataException if they do not hold
	 */
	static void check(byte[] envelope, UnsafeBuffer buffer) {
		Envelope.validate(buffer);
		String damage = EnvelopeChecksum.checksumProblem(envelope);
		if (damage != null) {
			throw new CorruptDataException("The stored event at position " + Envelope.position(buffer) + " is damaged: "
					+ damage + ". The store file is damaged; restore it from a backup (see Varve.backup)");
		}
	}

	/**
	 * The type name as stored; {@link #type()} is the current name, which differs when a
	 * class lists the stored name among its aliases.
	 * @return the stored type name
	 */
	public String storedType() {
		String result = this.type;
		if (result == null) {
			result = text(Envelope.typeOffset(this.buffer), Envelope.typeLength(this.buffer), "type name");
			this.type = result;
		}
		return result;
	}

	@Override
	public String type() {
		return this.registry.currentName(storedType());
	}

	/**
	 * The payload decoded as a tree, with no class.
	 * @return the tree
	 */
	public JsonNode payloadTree() {
		return this.codec.decodeTree(this.envelope, Envelope.payloadOffset(this.buffer),
				Envelope.payloadLength(this.buffer), () -> describe("payload"));
	}

	@Override
	public String stream() {
		String result = this.stream;
		if (result == null) {
			result = text(Envelope.streamOffset(this.buffer), Envelope.streamLength(this.buffer), "stream name");
			this.stream = result;
		}
		return result;
	}

	@Override
	public Object data() {
		Object result = this.data;
		if (result == null) {
			Class<?> type = this.registry.requireClassFor(type(), () -> "event " + id() + " at position " + position());
			result = dataAs(type);
			this.data = result;
		}
		return result;
	}

	@Override
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

	@Override
	public byte[] rawData() {
		int offset = Envelope.payloadOffset(this.buffer);
		return Arrays.copyOfRange(this.envelope, offset, offset + Envelope.payloadLength(this.buffer));
	}

	@Override
	public int dataSize() {
		return Envelope.payloadLength(this.buffer);
	}

	@Override
	public boolean hasMetadata() {
		return Envelope.metadataOffset(this.buffer) >= 0;
	}

	@Override
	public Map<String, Object> metadata() {
		int offset = Envelope.metadataOffset(this.buffer);
		if (offset < 0) {
			return Map.of();
		}
		return this.codec.decodeMap(this.envelope, offset, Envelope.metadataLength(this.buffer), describe("metadata"));
	}

	@Override
	public <T> @Nullable T metadataAs(Class<T> type) {
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

	/**
	 * The stored envelope itself, not a copy: for code in Varve that only reads it.
	 * @return the envelope bytes
	 */
	public byte[] envelopeBytes() {
		return this.envelope;
	}

	@Override
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
				+ type() + ((schemaVersion() > 1) ? ", schemaVersion=" + schemaVersion() : "") + ", id=" + id() + "]";
	}

}

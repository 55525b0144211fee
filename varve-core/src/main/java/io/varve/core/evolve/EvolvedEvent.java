package io.varve.core.evolve;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

import io.varve.InvalidArgumentException;
import io.varve.RecordedEvent;
import io.varve.Upcaster;
import io.varve.core.codec.EventTypeRegistry;
import io.varve.core.codec.PayloadCodec;
import io.varve.core.read.StoredEvent;

/**
 * A stored event as its upcasters made it: position, stream version, time, stream and
 * correlation are the stored event's; type, schema version, payload and metadata are the
 * upcast ones. When one stored event became several, they share its position and stream
 * version; the first keeps its id and each later one has an id derived from it and its
 * index, the same on every read.
 */
final class EvolvedEvent implements RecordedEvent {

	private final StoredEvent stored;

	private final int index;

	private final Upcaster.Event event;

	private final PayloadCodec codec;

	private final EventTypeRegistry registry;

	private volatile @Nullable Object data;

	EvolvedEvent(StoredEvent stored, int index, Upcaster.Event event, PayloadCodec codec, EventTypeRegistry registry) {
		this.stored = stored;
		this.index = index;
		this.event = event;
		this.codec = codec;
		this.registry = registry;
	}

	@Override
	public long position() {
		return this.stored.position();
	}

	@Override
	public long version() {
		return this.stored.version();
	}

	@Override
	public UUID id() {
		UUID id = this.stored.id();
		if (this.index == 0) {
			return id;
		}
		byte[] seed = ByteBuffer.allocate(20)
			.putLong(id.getMostSignificantBits())
			.putLong(id.getLeastSignificantBits())
			.putInt(this.index)
			.array();
		return UUID.nameUUIDFromBytes(seed);
	}

	@Override
	public Instant timestamp() {
		return this.stored.timestamp();
	}

	@Override
	public long timestampMicros() {
		return this.stored.timestampMicros();
	}

	@Override
	public @Nullable UUID correlationId() {
		return this.stored.correlationId();
	}

	@Override
	public @Nullable UUID causationId() {
		return this.stored.causationId();
	}

	@Override
	public String type() {
		return this.event.type();
	}

	@Override
	public int schemaVersion() {
		return this.event.version();
	}

	@Override
	public String stream() {
		return this.stored.stream();
	}

	@Override
	public Optional<Class<?>> dataClass() {
		return this.registry.classFor(type());
	}

	@Override
	public Object data() {
		Object result = this.data;
		if (result == null) {
			Class<?> type = this.registry.requireClassFor(type(),
					() -> "upcast from the event at position " + position());
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
		Object current = this.data;
		if (current != null && type.isInstance(current)) {
			return type.cast(current);
		}
		return this.codec.convert(this.event.data(), type, () -> "the upcast payload of " + describe());
	}

	@Override
	public byte[] rawData() {
		return this.stored.rawData();
	}

	@Override
	public int dataSize() {
		return this.stored.dataSize();
	}

	@Override
	public boolean hasMetadata() {
		return !this.event.metadata().isEmpty();
	}

	@Override
	public Map<String, Object> metadata() {
		return this.event.metadata();
	}

	@Override
	public <T> @Nullable T metadataAs(Class<T> type) {
		if (type == null) {
			throw new InvalidArgumentException("Class to decode into must not be null");
		}
		if (this.event.metadata().isEmpty()) {
			return null;
		}
		return this.codec.convert(this.codec.toTree(this.event.metadata()), type,
				() -> "the metadata of " + describe());
	}

	@Override
	public byte[] envelope() {
		return this.stored.envelope();
	}

	private String describe() {
		return "event " + id() + " (type '" + type() + "' version " + schemaVersion() + ", stored at position "
				+ position() + ")";
	}

	@Override
	public String toString() {
		return "RecordedEvent[position=" + position() + ", stream=" + stream() + ", version=" + version() + ", type="
				+ type() + ", schemaVersion=" + schemaVersion() + ", id=" + id() + "]";
	}

}

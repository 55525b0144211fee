package io.varve.core.read;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

import org.agrona.concurrent.UnsafeBuffer;

import io.varve.RecordedEvent;
import io.varve.core.codec.Envelope;
import io.varve.core.codec.EventTypeRegistry;

/**
 * What every event read from the store answers from its envelope's clear fields alone:
 * position, version, ids, time, schema version and the class of its type. Readable and
 * shredded events share it; they differ in what they make of the type, stream, payload
 * and metadata.
 */
abstract class EnvelopeEvent implements RecordedEvent {

	final byte[] envelope;

	final UnsafeBuffer buffer;

	final EventTypeRegistry registry;

	/**
	 * @param envelope the envelope bytes, owned by this object
	 * @param registry the event type registry
	 */
	EnvelopeEvent(byte[] envelope, EventTypeRegistry registry) {
		this.envelope = envelope;
		this.buffer = new UnsafeBuffer(envelope);
		this.registry = registry;
	}

	@Override
	public long position() {
		return Envelope.position(this.buffer);
	}

	@Override
	public long version() {
		return Envelope.version(this.buffer);
	}

	@Override
	public UUID id() {
		return Envelope.id(this.buffer);
	}

	@Override
	public Instant timestamp() {
		return EventReader.instant(timestampMicros());
	}

	@Override
	public long timestampMicros() {
		return Envelope.timestampMicros(this.buffer);
	}

	@Override
	public @Nullable UUID correlationId() {
		return Envelope.correlationId(this.buffer);
	}

	@Override
	public @Nullable UUID causationId() {
		return Envelope.causationId(this.buffer);
	}

	@Override
	public int schemaVersion() {
		return Envelope.schemaVersion(this.buffer);
	}

	@Override
	public Optional<Class<?>> dataClass() {
		return this.registry.classFor(type());
	}

}

package io.varve;

import java.util.Objects;
import java.util.UUID;

import org.agrona.concurrent.UnsafeBuffer;
import org.jspecify.annotations.Nullable;

import io.varve.core.codec.Envelope;
import io.varve.core.read.StoredEvent;

/**
 * An event as its source store holds it, for applying to a replica with
 * {@link Replication#apply(java.util.List)}: everything a stored event is, in the form
 * the source stored it (no upcaster applied).
 *
 * @param position the global position in the source
 * @param stream the stream name
 * @param version the stream version
 * @param id the event id
 * @param type the type name as stored
 * @param schemaVersion the schema version as stored, at least 1
 * @param timestampMicros the commit time in microseconds since the epoch
 * @param correlationId the correlation id, or null
 * @param causationId the causation id, or null
 * @param metadata the Smile-encoded metadata as stored, or null for none
 * @param data the Smile-encoded payload as stored
 */
public record ReplicatedEvent(long position, String stream, long version, UUID id, String type, int schemaVersion,
		long timestampMicros, @Nullable UUID correlationId, @Nullable UUID causationId, byte @Nullable [] metadata,
		byte[] data) {

	public ReplicatedEvent {
		Objects.requireNonNull(stream, "stream");
		Objects.requireNonNull(id, "id");
		Objects.requireNonNull(type, "type");
		Objects.requireNonNull(data, "data");
		if (position < 1 || version < 1 || schemaVersion < 1) {
			throw new InvalidArgumentException("A replicated event needs a position, version and schema version of "
					+ "at least 1, got position " + position + ", version " + version + ", schema version "
					+ schemaVersion + " for '" + stream + "'");
		}
	}

	/**
	 * The replicated form of a stored event: reads its envelope, so that the metadata and
	 * payload are the stored bytes and the type and schema version the stored ones, even
	 * when the event was read through upcasters.
	 * @param event a stored event
	 * @return its replicated form
	 * @throws EventShreddedException if the event was shredded
	 */
	public static ReplicatedEvent of(RecordedEvent event) {
		if (event.isShredded()) {
			throw new EventShreddedException("Event " + event.id() + " at position " + event.position()
					+ " was shredded (its stream '" + event.stream() + "' was forgotten); it cannot be replicated");
		}
		UnsafeBuffer envelope = new UnsafeBuffer(
				(event instanceof StoredEvent stored) ? stored.envelopeBytes() : event.envelope());
		String type = envelope.getStringWithoutLengthUtf8(Envelope.typeOffset(envelope), Envelope.typeLength(envelope));
		byte[] metadata = null;
		int metadataOffset = Envelope.metadataOffset(envelope);
		if (metadataOffset >= 0) {
			metadata = new byte[Envelope.metadataLength(envelope)];
			envelope.getBytes(metadataOffset, metadata);
		}
		byte[] data = new byte[Envelope.payloadLength(envelope)];
		envelope.getBytes(Envelope.payloadOffset(envelope), data);
		return new ReplicatedEvent(Envelope.position(envelope), event.stream(), Envelope.version(envelope),
				Envelope.id(envelope), type, Envelope.schemaVersion(envelope), Envelope.timestampMicros(envelope),
				Envelope.correlationId(envelope), Envelope.causationId(envelope), metadata, data);
	}

}

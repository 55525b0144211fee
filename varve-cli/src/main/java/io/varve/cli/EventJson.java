package io.varve.cli;

import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

import org.agrona.concurrent.UnsafeBuffer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.smile.SmileMapper;

import io.varve.EventShreddedException;
import io.varve.RecordedEvent;
import io.varve.core.codec.Envelope;

/**
 * Events as JSON without the application's classes: Smile is self-describing, so payloads
 * and metadata decode to JSON trees. An exported event also carries its payload and
 * metadata bytes exactly as stored (base64), so that importing it is lossless.
 */
final class EventJson {

	static final SmileMapper SMILE = SmileMapper.builder().build();

	private EventJson() {
	}

	/** The parts of an event that the envelope holds beyond {@link RecordedEvent}'s. */
	record Parts(UUID correlationId, UUID causationId, byte[] metadata) {

		static Parts of(RecordedEvent event) {
			UnsafeBuffer envelope = new UnsafeBuffer(event.envelope());
			byte[] metadata = null;
			int length = Envelope.metadataLength(envelope);
			if (length > 0) {
				metadata = new byte[length];
				envelope.getBytes(Envelope.metadataOffset(envelope), metadata);
			}
			return new Parts(Envelope.correlationId(envelope), Envelope.causationId(envelope), metadata);
		}

	}

	/**
	 * An event as JSON.
	 * @param event the event
	 * @param exact whether to add the stored bytes (for export)
	 * @return the JSON
	 */
	static ObjectNode of(RecordedEvent event, boolean exact) {
		Parts parts = Parts.of(event);
		ObjectNode node = JsonNodeFactory.instance.objectNode();
		node.put("position", event.position());
		node.put("stream", event.stream());
		node.put("version", event.version());
		node.put("id", event.id().toString());
		node.put("type", event.type());
		node.put("schemaVersion", event.schemaVersion());
		node.put("timestamp", event.timestamp().toString());
		node.put("timestampMicros", event.timestampMicros());
		if (parts.correlationId() != null) {
			node.put("correlationId", parts.correlationId().toString());
		}
		if (parts.causationId() != null) {
			node.put("causationId", parts.causationId().toString());
		}
		if (parts.metadata() != null) {
			node.set("metadata", tree(parts.metadata()));
			if (exact) {
				node.put("metadataSmile", Base64.getEncoder().encodeToString(parts.metadata()));
			}
		}
		if (event.isShredded()) {
			if (exact) {
				throw new EventShreddedException("The event at position " + event.position() + " of stream '"
						+ event.stream() + "' is shredded (its stream was forgotten): an export cannot carry it");
			}
			node.put("shredded", true);
			return node;
		}
		byte[] data = event.rawData();
		node.set("data", tree(data));
		if (exact) {
			node.put("dataSmile", Base64.getEncoder().encodeToString(data));
		}
		return node;
	}

	/** Smile bytes as a JSON tree; bytes that are not Smile as a note saying so. */
	static JsonNode tree(byte[] smile) {
		try {
			return SMILE.readTree(smile);
		}
		catch (RuntimeException ex) {
			return JsonNodeFactory.instance.stringNode("(" + smile.length + " bytes that are not Smile)");
		}
	}

	static String time(long micros) {
		return Instant.ofEpochSecond(micros / 1_000_000, (micros % 1_000_000) * 1000).toString();
	}

}

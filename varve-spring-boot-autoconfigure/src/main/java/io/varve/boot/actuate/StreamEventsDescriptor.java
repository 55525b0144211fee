package io.varve.boot.actuate;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.actuate.endpoint.OperationResponseBody;

/**
 * A page of one stream's events in version order, returned by
 * {@code GET /actuator/varve/events?stream=}.
 *
 * @param stream the stream's name
 * @param version the stream's version when the page was read
 * @param events the events' envelopes
 * @param next the version to pass as {@code from} for the next page, or null when this
 * page reaches the stream's head
 */
public record StreamEventsDescriptor(String stream, long version, List<EventDescriptor> events,
		@Nullable Long next) implements OperationResponseBody {

	/**
	 * An event's envelope; its payload and metadata only when
	 * {@code varve.ui.show-payloads=true}.
	 *
	 * @param position global position
	 * @param version the stream's version after this event
	 * @param id the event id
	 * @param type the event type name
	 * @param schemaVersion the schema version as read
	 * @param timestamp when the event was committed
	 * @param correlationId the correlation id, or null
	 * @param causationId the causation id, or null
	 * @param dataSize size of the encoded payload in bytes
	 * @param data the payload as JSON, or null when payloads are not shown
	 * @param metadata the metadata, or null when payloads are not shown or there is none
	 */
	public record EventDescriptor(long position, long version, UUID id, String type, int schemaVersion,
			Instant timestamp, @Nullable UUID correlationId, @Nullable UUID causationId, int dataSize,
			@Nullable JsonNode data, @Nullable Map<String, Object> metadata) {

	}

}

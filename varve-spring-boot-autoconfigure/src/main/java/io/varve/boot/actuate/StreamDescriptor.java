package io.varve.boot.actuate;

import org.springframework.boot.actuate.endpoint.OperationResponseBody;

import io.varve.StreamInfo;

/**
 * One stream, returned by {@code GET /actuator/varve/streams/{name}}: its head and the
 * type of its last event, never an event's payload or metadata.
 *
 * @param name the stream's name
 * @param category the part of the name before the first {@code -}
 * @param version its version
 * @param eventCount its number of events, equal to its version
 * @param firstPosition global position of its first event
 * @param lastPosition global position of its last event
 * @param firstEventAt when its first event was committed (ISO-8601)
 * @param lastEventAt when its last event was committed (ISO-8601)
 * @param lastEventType the type name of its last event
 */
public record StreamDescriptor(String name, String category, long version, long eventCount, long firstPosition,
		long lastPosition, String firstEventAt, String lastEventAt,
		String lastEventType) implements OperationResponseBody {

	static StreamDescriptor of(StreamInfo info, String lastEventType) {
		return new StreamDescriptor(info.stream(), info.category(), info.version(), info.version(),
				info.firstPosition(), info.lastPosition(), String.valueOf(info.createdAt()),
				String.valueOf(info.updatedAt()), lastEventType);
	}

}

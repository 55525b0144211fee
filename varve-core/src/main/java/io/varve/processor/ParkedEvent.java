package io.varve.processor;

import java.time.Instant;
import java.util.UUID;

/**
 * An event in a processor's dead-letter list: its handler kept failing and the
 * processor's policy is {@link ErrorPolicy#PARK}. The event itself stays in the log; read
 * it with {@code varve.readEvent(position)}.
 *
 * <pre>{@code
 * for (ParkedEvent parked : registry.parked("balances")) {
 *     log.warn("parked {} at {}: {}", parked.eventType(), parked.position(), parked.error());
 *     registry.retryParked("balances", parked.position());
 * }
 * }</pre>
 *
 * @param processor the processor's name
 * @param position the event's position
 * @param eventId the event's id
 * @param stream the event's stream
 * @param eventType the event's type name
 * @param error the last error's message
 * @param errorType the class name of the last error
 * @param attempts how many times the event was tried
 * @param parkedAt when it was parked (or last retried)
 * @param held true for an event held back behind its stream's parked event
 * ({@link ErrorPolicy#PARK_STREAM}): it was not tried, and is handled when that one is
 * retried or discarded
 */
public record ParkedEvent(String processor, long position, UUID eventId, String stream, String eventType, String error,
		String errorType, int attempts, Instant parkedAt, boolean held) {

}

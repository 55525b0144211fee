package io.varve.processor;

import java.time.Instant;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * The last error of a processor: what failed, on which event, and when.
 *
 * <pre>{@code
 * ProcessorError error = registry.status("balances").lastError();
 * if (error != null) {
 *     log.warn("balances failed at {} ({}): {}", error.position(), error.eventId(), error.message());
 * }
 * }</pre>
 *
 * @param message the error's message
 * @param errorType the class name of the exception
 * @param position the position of the event being handled, or 0 when the error was not
 * about one event (such as a failed commit)
 * @param eventId the id of that event, or null
 * @param attempts how many times the event was tried; for a failed commit, how many
 * commits failed in a row
 * @param at when the error happened
 */
public record ProcessorError(String message, String errorType, long position, @Nullable UUID eventId, int attempts,
		Instant at) {

}

package io.varve.boot.actuate;

import java.time.Duration;

import io.varve.processor.ProcessorError;
import io.varve.processor.ProcessorStatus;

/**
 * A processor's state and progress, as shown by the {@code varve} endpoint.
 *
 * @param name the processor's name
 * @param state RUNNING, CATCHING_UP, PAUSED, RETRYING, FAILED, STALLED or STOPPED
 * @param checkpoint the last position it has handled and committed (0 before the first
 * event)
 * @param headPosition the store's head position it is measured against
 * @param lag events between the checkpoint and the head, exact
 * @param lagSeconds how long ago the oldest event it has not handled yet was committed,
 * in seconds; 0 when caught up
 * @param eventsHandled events handled since this process registered it
 * @param errors failed handler attempts since this process registered it
 * @param parked events in its dead-letter list
 * @param lastError its last error, or null
 */
public record ProcessorDescriptor(String name, String state, long checkpoint, long headPosition, long lag,
		double lagSeconds, long eventsHandled, long errors, long parked, LastErrorDescriptor lastError) {

	static ProcessorDescriptor of(ProcessorStatus status) {
		return new ProcessorDescriptor(status.name(), status.state().name(), status.checkpoint(), status.headPosition(),
				status.lag(), seconds(status.oldestUnhandledAge()), status.eventsHandled(), status.errors(),
				status.parkedCount(), LastErrorDescriptor.of(status.lastError()));
	}

	static double seconds(Duration duration) {
		return duration.getSeconds() + duration.getNano() / 1e9;
	}

	/**
	 * A processor's last error. The message is the handler's exception message, as it was
	 * thrown.
	 *
	 * @param message the error's message
	 * @param type the exception's class name
	 * @param position the position of the event being handled, or 0 when the error was
	 * not about one event
	 * @param eventId the id of that event, or null
	 * @param attempts how many times the event was tried
	 * @param at when the error happened (ISO-8601)
	 */
	public record LastErrorDescriptor(String message, String type, long position, String eventId, int attempts,
			String at) {

		static LastErrorDescriptor of(ProcessorError error) {
			if (error == null) {
				return null;
			}
			return new LastErrorDescriptor(ErrorMessages.shown(error.errorType(), error.message()), error.errorType(),
					error.position(), (error.eventId() != null) ? error.eventId().toString() : null, error.attempts(),
					String.valueOf(error.at()));
		}

	}

}

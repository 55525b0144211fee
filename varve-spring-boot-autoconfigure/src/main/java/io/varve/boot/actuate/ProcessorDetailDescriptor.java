package io.varve.boot.actuate;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;

import org.jspecify.annotations.Nullable;

import io.varve.processor.ParkedEvent;
import io.varve.processor.RebuildStatus;

/**
 * One processor with a page of its parked events, returned by {@code GET
 * /actuator/varve/processors/{name}}; status and parked events come from one snapshot.
 * Parked events are described, never shown: no payload, no metadata.
 *
 * @param processor the processor's state and progress, shown at the top level
 * @param parkedEvents a page of its dead-letter list, in position order
 * @param nextParked the position to pass as {@code after} for the next page, or null when
 * this page is the last
 * @param heldStreams the streams a {@code PARK_STREAM} processor holds back
 * @param rebuild the processor's rebuild running or last run in this process, or null
 */
public record ProcessorDetailDescriptor(@JsonUnwrapped ProcessorDescriptor processor,
		List<ParkedEventDescriptor> parkedEvents, Long nextParked, List<HeldStreamDescriptor> heldStreams,
		@Nullable RebuildDescriptor rebuild) implements OperationResponseBody {

	/**
	 * The progress of a processor's rebuild.
	 *
	 * @param state RUNNING, DROPPING_OLD, COMPLETED, CANCELLED or FAILED
	 * @param fromPosition its first position
	 * @param position the last position its new tables have handled
	 * @param headPosition the store's head
	 * @param percent the share of the positions from its first to the head handled, 0 to
	 * 100
	 * @param eventsPerSecond its rate over the last seconds
	 * @param secondsRemaining the estimated time to catch up, or null when unknown
	 * @param startedAt when it started (ISO-8601)
	 * @param endedAt when it ended (ISO-8601), or null while it runs
	 * @param error why it failed, or null
	 */
	public record RebuildDescriptor(String state, long fromPosition, long position, long headPosition, double percent,
			double eventsPerSecond, @Nullable Long secondsRemaining, String startedAt, @Nullable String endedAt,
			@Nullable String error) {

		static RebuildDescriptor of(RebuildStatus status) {
			return new RebuildDescriptor(status.state().name(), status.fromPosition(), status.position(),
					status.headPosition(), Math.round(status.fraction() * 1000) / 10.0,
					Math.round(status.eventsPerSecond() * 10) / 10.0,
					(status.estimatedRemaining() != null) ? status.estimatedRemaining().toSeconds() : null,
					String.valueOf(status.startedAt()),
					(status.endedAt() != null) ? String.valueOf(status.endedAt()) : null, status.error());
		}

	}

	/**
	 * A stream a {@code PARK_STREAM} processor holds back behind a parked event.
	 *
	 * @param stream the stream
	 * @param parkedPosition the position of its parked event
	 * @param held how many of its later events wait behind it
	 */
	public record HeldStreamDescriptor(String stream, long parkedPosition, long held) {

	}

	/**
	 * An event in a processor's dead-letter list.
	 *
	 * @param position the event's position
	 * @param eventId the event's id
	 * @param stream the event's stream
	 * @param eventType the event's type name
	 * @param error the last error's message
	 * @param errorType the class name of the last error
	 * @param attempts how many times the event was tried
	 * @param parkedAt when it was parked or last retried (ISO-8601)
	 * @param held whether it is held back behind its stream's parked event (not tried)
	 */
	public record ParkedEventDescriptor(long position, String eventId, String stream, String eventType, String error,
			String errorType, int attempts, String parkedAt, boolean held) {

		static ParkedEventDescriptor of(ParkedEvent parked) {
			return new ParkedEventDescriptor(parked.position(), String.valueOf(parked.eventId()), parked.stream(),
					parked.eventType(),
					parked.held() ? parked.error() : ErrorMessages.shown(parked.errorType(), parked.error()),
					parked.errorType(), parked.attempts(), String.valueOf(parked.parkedAt()), parked.held());
		}

	}

}

package io.varve.test;

import java.util.Arrays;
import java.util.List;

import org.assertj.core.api.AbstractAssert;

import io.varve.RecordedEvent;

/**
 * Assertions on the store's global log; a failure lists its events.
 */
public final class LogAssert extends AbstractAssert<LogAssert, List<RecordedEvent>> {

	private final long head;

	LogAssert(long head, List<RecordedEvent> events) {
		super(events, LogAssert.class);
		this.head = head;
	}

	/**
	 * The log's head is at a position (0 for an empty store).
	 * @param position the position
	 * @return this
	 */
	public LogAssert hasHeadPosition(long position) {
		if (this.head != position) {
			failWithMessage("Expected the log's head at position %d but it is at %d. The log:%n%s", position, this.head,
					EventsText.of(this.actual));
		}
		return this;
	}

	/**
	 * The log holds these events (decoded, by equality) in this order, possibly with
	 * others between them.
	 * @param events the expected events
	 * @return this
	 */
	public LogAssert containsSubsequence(Object... events) {
		List<Object> decoded = StreamAssert.decoded(this.actual);
		int next = 0;
		for (Object event : decoded) {
			if (next < events.length && events[next].equals(event)) {
				next++;
			}
		}
		if (next < events.length) {
			failWithMessage(
					"Expected the log to hold, in this order,%n%s%nbut it has no %s after the ones before it. "
							+ "The log:%n%s",
					StreamAssert.values(Arrays.asList(events)), EventsText.value(events[next]),
					EventsText.of(this.actual));
		}
		return this;
	}

	/**
	 * The log's events, decoded, equal these, in order.
	 * @param events the expected events
	 * @return this
	 */
	public LogAssert containsExactlyEvents(Object... events) {
		if (!StreamAssert.decoded(this.actual).equals(Arrays.asList(events))) {
			failWithMessage("Expected the log to hold exactly%n%s%nbut it holds%n%s",
					StreamAssert.values(Arrays.asList(events)), EventsText.of(this.actual));
		}
		return this;
	}

}

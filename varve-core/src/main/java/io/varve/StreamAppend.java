package io.varve;

import java.util.ArrayList;
import java.util.List;

/**
 * One stream's part of a multi-stream transaction.
 *
 * <pre>{@code
 * varve.transaction(
 *     StreamAppend.of("account-1", ExpectedVersion.exact(4), new Withdrawn(50)),
 *     StreamAppend.of("account-2", ExpectedVersion.exact(9), new Deposited(50)));
 * }</pre>
 *
 * @param stream the stream name
 * @param expectedVersion what the stream's version must be
 * @param events the events to append, at least one
 */
public record StreamAppend(String stream, ExpectedVersion expectedVersion, List<EventData> events) {

	public StreamAppend {
		if (expectedVersion == null) {
			throw new InvalidArgumentException(
					"Expected version must not be null; use ExpectedVersion.any() for no check");
		}
		if (events == null) {
			throw new InvalidArgumentException("Events must not be null; pass at least one event");
		}
		for (int i = 0; i < events.size(); i++) {
			if (events.get(i) == null) {
				throw new InvalidArgumentException("Event " + i + " of stream '" + stream + "' is null");
			}
		}
		events = List.copyOf(events);
	}

	/**
	 * A part from plain event objects (or {@link EventData}).
	 * @param stream the stream name
	 * @param expectedVersion what the stream's version must be
	 * @param events the event objects
	 * @return the part
	 */
	public static StreamAppend of(String stream, ExpectedVersion expectedVersion, Object... events) {
		return new StreamAppend(stream, expectedVersion, toEventData(events));
	}

	static List<EventData> toEventData(Object[] events) {
		if (events == null) {
			throw new InvalidArgumentException("Events must not be null; pass at least one event");
		}
		List<EventData> data = new ArrayList<>(events.length);
		for (int i = 0; i < events.length; i++) {
			Object event = events[i];
			if (event == null) {
				throw new InvalidArgumentException("Event " + i + " is null; every event must be an object to store");
			}
			data.add((event instanceof EventData eventData) ? eventData : EventData.of(event));
		}
		return data;
	}

}

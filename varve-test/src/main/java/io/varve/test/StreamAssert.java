package io.varve.test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import org.assertj.core.api.AbstractAssert;
import org.assertj.core.api.Assertions;
import org.assertj.core.api.ObjectAssert;

import io.varve.EventTypes;
import io.varve.RecordedEvent;

/**
 * Assertions on one stream's events; a failure lists the stream's events.
 */
public final class StreamAssert extends AbstractAssert<StreamAssert, List<RecordedEvent>> {

	private final String stream;

	StreamAssert(String stream, List<RecordedEvent> events) {
		super(events, StreamAssert.class);
		this.stream = stream;
	}

	/**
	 * The stream is at a version (0: it has no events).
	 * @param version the version
	 * @return this
	 */
	public StreamAssert hasVersion(long version) {
		long actualVersion = this.actual.isEmpty() ? 0 : this.actual.get(this.actual.size() - 1).version();
		if (actualVersion != version) {
			failWithMessage("Expected stream '%s' to be at version %d but it is at version %d. Its events:%n%s",
					this.stream, version, actualVersion, EventsText.of(this.actual));
		}
		return this;
	}

	/**
	 * The stream has events.
	 * @return this
	 */
	public StreamAssert exists() {
		if (this.actual.isEmpty()) {
			failWithMessage("Expected stream '%s' to have events, but it has none", this.stream);
		}
		return this;
	}

	/**
	 * The stream has no events.
	 * @return this
	 */
	public StreamAssert doesNotExist() {
		if (!this.actual.isEmpty()) {
			failWithMessage("Expected stream '%s' to have no events, but it has:%n%s", this.stream,
					EventsText.of(this.actual));
		}
		return this;
	}

	/**
	 * The stream's events have exactly these type names, in order.
	 * @param types the type names
	 * @return this
	 */
	public StreamAssert containsExactlyTypes(String... types) {
		List<String> actualTypes = this.actual.stream().map(RecordedEvent::type).toList();
		if (!actualTypes.equals(Arrays.asList(types))) {
			failWithMessage("Expected stream '%s' to hold events of types%n  %s%nbut they are%n  %s%nIts events:%n%s",
					this.stream, Arrays.asList(types), actualTypes, EventsText.of(this.actual));
		}
		return this;
	}

	/**
	 * The stream's events are exactly of these classes' types, in order.
	 * @param types the event classes
	 * @return this
	 */
	public StreamAssert containsExactlyTypes(Class<?>... types) {
		return containsExactlyTypes(Arrays.stream(types).map(EventTypes::nameOf).toArray(String[]::new));
	}

	/**
	 * The stream's events, decoded, equal these, in order.
	 * @param events the expected events (your event objects)
	 * @return this
	 */
	public StreamAssert containsExactlyEvents(Object... events) {
		List<Object> actualEvents = decoded(this.actual);
		if (!actualEvents.equals(Arrays.asList(events))) {
			failWithMessage("Expected stream '%s' to hold exactly%n%s%nbut it holds%n%s", this.stream,
					values(Arrays.asList(events)), EventsText.of(this.actual));
		}
		return this;
	}

	/**
	 * Assertions on the stream's last event, decoded.
	 * @return the assertions on its data
	 */
	public ObjectAssert<Object> lastEvent() {
		if (this.actual.isEmpty()) {
			failWithMessage("Expected stream '%s' to have a last event, but it has no events", this.stream);
		}
		RecordedEvent last = this.actual.get(this.actual.size() - 1);
		return Assertions.assertThat(last.data())
			.as("last event of stream '%s': %s", this.stream, EventsText.line(last));
	}

	static List<Object> decoded(List<RecordedEvent> events) {
		List<Object> data = new ArrayList<>(events.size());
		for (RecordedEvent event : events) {
			data.add(event.dataClass().isPresent() ? event.data() : EventsText.json(event));
		}
		return data;
	}

	static String values(List<?> values) {
		StringBuilder text = new StringBuilder();
		for (Object value : values) {
			if (!text.isEmpty()) {
				text.append('\n');
			}
			text.append("  ").append(EventsText.value(value));
		}
		return text.isEmpty() ? "  (no events)" : text.toString();
	}

	@Override
	public boolean equals(Object other) {
		return this == other || (other instanceof StreamAssert that && Objects.equals(this.actual, that.actual));
	}

	@Override
	public int hashCode() {
		return Objects.hashCode(this.actual);
	}

}

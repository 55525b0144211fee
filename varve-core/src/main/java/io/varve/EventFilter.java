package io.varve;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

import io.varve.core.codec.EventTypeRegistry;

/**
 * Selects events of the global log by stream and by event type. A filter with stream
 * categories and/or exact streams passes events of any of those streams; a filter with
 * event types passes events of any of those types; both together must both match.
 * Filtering reads only the envelope, never the payload.
 *
 * <pre>{@code
 * EventFilter accounts = EventFilter.categories("account");        // account-1, account-2, ...
 * EventFilter deposits = accounts.withEventTypes(Deposited.class);  // ...and only deposits
 * List<RecordedEvent> page = varve.readAll(0, 100, deposits);
 * }</pre>
 */
public final class EventFilter {

	private static final EventFilter ALL = new EventFilter(Set.of(), Set.of(), Set.of());

	private final Set<String> categories;

	private final Set<String> streams;

	private final Set<String> eventTypes;

	private EventFilter(Set<String> categories, Set<String> streams, Set<String> eventTypes) {
		this.categories = categories;
		this.streams = streams;
		this.eventTypes = eventTypes;
	}

	/** Passes every event. */
	public static EventFilter all() {
		return ALL;
	}

	/**
	 * Passes events of streams in these categories (the part of the stream name before
	 * the first {@code -}; a name without {@code -} is its own category).
	 * @param categories the categories
	 * @return the filter
	 */
	public static EventFilter categories(String... categories) {
		return ALL.withCategories(categories);
	}

	/**
	 * Passes events of exactly these streams.
	 * @param streams the stream names
	 * @return the filter
	 */
	public static EventFilter streams(String... streams) {
		return ALL.withStreams(streams);
	}

	/**
	 * Passes events of these type names.
	 * @param eventTypes the type names
	 * @return the filter
	 */
	public static EventFilter eventTypes(String... eventTypes) {
		return ALL.withEventTypes(eventTypes);
	}

	/**
	 * Passes events of these classes' type names (see {@link EventType}).
	 * @param eventTypes the event classes
	 * @return the filter
	 */
	public static EventFilter eventTypes(Class<?>... eventTypes) {
		return ALL.withEventTypes(eventTypes);
	}

	/**
	 * A copy that also passes streams of these categories.
	 * @param categories the categories to add
	 * @return the filter
	 */
	public EventFilter withCategories(String... categories) {
		return new EventFilter(union(this.categories, categories, "category"), this.streams, this.eventTypes);
	}

	/**
	 * A copy that also passes these exact streams.
	 * @param streams the stream names to add
	 * @return the filter
	 */
	public EventFilter withStreams(String... streams) {
		return new EventFilter(this.categories, union(this.streams, streams, "stream"), this.eventTypes);
	}

	/**
	 * A copy that passes only these event types (added to any types already set).
	 * @param eventTypes the type names
	 * @return the filter
	 */
	public EventFilter withEventTypes(String... eventTypes) {
		return new EventFilter(this.categories, this.streams, union(this.eventTypes, eventTypes, "event type"));
	}

	/**
	 * A copy that passes only these event classes' types (added to any types already
	 * set).
	 * @param eventTypes the event classes
	 * @return the filter
	 */
	public EventFilter withEventTypes(Class<?>... eventTypes) {
		if (eventTypes == null) {
			throw new InvalidArgumentException("Event types must not be null");
		}
		return withEventTypes(Arrays.stream(eventTypes).map(EventTypeRegistry::nameOf).toArray(String[]::new));
	}

	/** The categories passed; empty when the filter does not select by stream. */
	public Set<String> categories() {
		return this.categories;
	}

	/** The exact streams passed. */
	public Set<String> streams() {
		return this.streams;
	}

	/** The event types passed; empty means every type. */
	public Set<String> eventTypes() {
		return this.eventTypes;
	}

	/** Whether this filter passes every event. */
	public boolean isAll() {
		return this.categories.isEmpty() && this.streams.isEmpty() && this.eventTypes.isEmpty();
	}

	/**
	 * Whether an event of this stream and type passes.
	 * @param stream the stream name
	 * @param eventType the event type name
	 * @return whether it passes
	 */
	public boolean matches(String stream, String eventType) {
		return matchesStream(stream) && (this.eventTypes.isEmpty() || this.eventTypes.contains(eventType));
	}

	private boolean matchesStream(String stream) {
		if (this.categories.isEmpty() && this.streams.isEmpty()) {
			return true;
		}
		return this.streams.contains(stream) || this.categories.contains(Varve.categoryOf(stream));
	}

	private static Set<String> union(Set<String> existing, String[] added, String what) {
		if (added == null || added.length == 0) {
			throw new InvalidArgumentException("Give at least one " + what + " to filter by");
		}
		Set<String> result = new LinkedHashSet<>(existing);
		for (String value : added) {
			if (value == null || value.isBlank()) {
				throw new InvalidArgumentException("A " + what + " in a filter must not be null or blank");
			}
			result.add(value);
		}
		return Collections.unmodifiableSet(result);
	}

	@Override
	public boolean equals(Object obj) {
		return (obj instanceof EventFilter other) && other.categories.equals(this.categories)
				&& other.streams.equals(this.streams) && other.eventTypes.equals(this.eventTypes);
	}

	@Override
	public int hashCode() {
		return (this.categories.hashCode() * 31 + this.streams.hashCode()) * 31 + this.eventTypes.hashCode();
	}

	@Override
	public String toString() {
		if (isAll()) {
			return "EventFilter[all]";
		}
		return "EventFilter[categories=" + this.categories + ", streams=" + this.streams + ", eventTypes="
				+ this.eventTypes + "]";
	}

}

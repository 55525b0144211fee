package io.varve;

import io.varve.core.codec.EventTypeRegistry;

/**
 * The names events are stored under. A class's type name is the value of its
 * {@link EventType} annotation, else its simple name; {@link RecordedEvent#type()} and
 * {@link EventFilter#eventTypes(String...)} use it.
 *
 * <pre>{@code
 * String name = EventTypes.nameOf(Deposited.class); // "Deposited", or its @EventType value
 * }</pre>
 */
public final class EventTypes {

	private EventTypes() {
	}

	/**
	 * The type name an event class is stored under.
	 * @param type the event class
	 * @return its type name
	 * @throws InvalidArgumentException if the class is null or cannot be an event type (a
	 * primitive, array, enum, interface, anonymous or JDK class), or its name is not a
	 * valid type name
	 */
	public static String nameOf(Class<?> type) {
		return EventTypeRegistry.nameOf(type);
	}

}

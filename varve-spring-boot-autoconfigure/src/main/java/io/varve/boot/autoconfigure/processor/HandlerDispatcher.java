package io.varve.boot.autoconfigure.processor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import io.varve.RecordedEvent;
import io.varve.processor.EventHandler;
import io.varve.processor.ProcessorContext;

/**
 * The {@link EventHandler} of a {@code @VarveProcessor} bean: picks the handler method
 * for each event from its stored type name and the class registered for that name (the
 * one whose event type is the most specific supertype of that class), and only then
 * decodes the event, once, to call it; then calls the methods that take every event. An
 * event that no typed method takes is never decoded, so it can never fail the processor;
 * a shredded event goes to the methods that take every event only.
 */
final class HandlerDispatcher implements EventHandler {

	private final List<HandlerMethod> typed;

	private final List<HandlerMethod> untyped;

	private final Map<Class<?>, Optional<HandlerMethod>> resolved = new ConcurrentHashMap<>();

	/** By stored type name: names are bound to one class for the life of a store. */
	private final Map<String, Optional<HandlerMethod>> byTypeName = new ConcurrentHashMap<>();

	HandlerDispatcher(List<HandlerMethod> typed, List<HandlerMethod> untyped) {
		this.typed = List.copyOf(typed);
		this.untyped = List.copyOf(untyped);
	}

	@Override
	public void handle(RecordedEvent event, ProcessorContext context) throws Exception {
		// A shredded event (received only when asked for) has no data for a typed method.
		if (!this.typed.isEmpty() && !event.isShredded()) {
			HandlerMethod handler = handlerFor(event);
			if (handler != null) {
				handler.invoke(event.data(), event, context);
			}
		}
		for (HandlerMethod handler : this.untyped) {
			handler.invoke(null, event, context);
		}
	}

	/**
	 * The typed handler of an event, decided without decoding it.
	 * @param event the event
	 * @return the handler, or null when none takes it
	 */
	private HandlerMethod handlerFor(RecordedEvent event) {
		String typeName = event.type();
		Optional<HandlerMethod> handler = this.byTypeName.get(typeName);
		if (handler == null) {
			Class<?> type = event.dataClass().orElse(null);
			if (type == null) {
				// No class of this process has that name, so no typed handler takes it.
				// Not remembered: a class may be registered for it later.
				return null;
			}
			handler = resolve(type);
			this.byTypeName.put(typeName, handler);
		}
		return handler.orElse(null);
	}

	/**
	 * The handler for an event class: among those whose type it is an instance of, the
	 * one whose type is a subtype of all the others'.
	 * @param type the event's class
	 * @return the handler, or empty when none takes it
	 * @throws IllegalStateException when two unrelated types fit equally well
	 */
	Optional<HandlerMethod> resolve(Class<?> type) {
		Optional<HandlerMethod> handler = this.resolved.get(type);
		if (handler == null) {
			handler = Optional.ofNullable(mostSpecific(type));
			this.resolved.put(type, handler);
		}
		return handler;
	}

	private HandlerMethod mostSpecific(Class<?> type) {
		List<HandlerMethod> candidates = new ArrayList<>();
		for (HandlerMethod handler : this.typed) {
			if (handler.eventType().isAssignableFrom(type)) {
				candidates.add(handler);
			}
		}
		for (HandlerMethod candidate : candidates) {
			boolean best = true;
			for (HandlerMethod other : candidates) {
				if (!other.eventType().isAssignableFrom(candidate.eventType())) {
					best = false;
					break;
				}
			}
			if (best) {
				return candidate;
			}
		}
		if (candidates.isEmpty()) {
			return null;
		}
		throw new IllegalStateException("Event class " + type.getName() + " fits @VarveHandler methods " + candidates
				+ " of bean '" + candidates.get(0).beanName() + "' equally well; add a handler for "
				+ type.getSimpleName() + " itself");
	}

}

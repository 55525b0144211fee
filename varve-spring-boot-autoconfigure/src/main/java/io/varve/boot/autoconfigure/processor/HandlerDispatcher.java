package io.varve.boot.autoconfigure.processor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import io.varve.RecordedEvent;
import io.varve.UnknownEventTypeException;
import io.varve.processor.EventHandler;
import io.varve.processor.ProcessorContext;

/**
 * The {@link EventHandler} of a {@code @VarveProcessor} bean: decodes each event once,
 * calls the handler method with the most specific event type that fits it, then the
 * methods that take every event.
 */
final class HandlerDispatcher implements EventHandler {

	private final List<HandlerMethod> typed;

	private final List<HandlerMethod> untyped;

	private final Map<Class<?>, Optional<HandlerMethod>> resolved = new ConcurrentHashMap<>();

	HandlerDispatcher(List<HandlerMethod> typed, List<HandlerMethod> untyped) {
		this.typed = List.copyOf(typed);
		this.untyped = List.copyOf(untyped);
	}

	@Override
	public void handle(RecordedEvent event, ProcessorContext context) throws Exception {
		if (!this.typed.isEmpty()) {
			Object data = decode(event);
			if (data != null) {
				HandlerMethod handler = resolve(data.getClass()).orElse(null);
				if (handler != null) {
					handler.invoke(data, event, context);
				}
			}
		}
		for (HandlerMethod handler : this.untyped) {
			handler.invoke(null, event, context);
		}
	}

	private static Object decode(RecordedEvent event) {
		try {
			return event.data();
		}
		catch (UnknownEventTypeException ex) {
			// No class of this process has that type name, so no typed handler takes it.
			return null;
		}
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

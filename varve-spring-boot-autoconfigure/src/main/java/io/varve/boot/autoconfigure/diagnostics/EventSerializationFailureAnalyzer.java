package io.varve.boot.autoconfigure.diagnostics;

import org.springframework.core.env.Environment;

import io.varve.EventSerializationException;

/**
 * Explains an event class that Varve's Smile mapper cannot serialise, found when the
 * store opens and checks its event classes, or by an append during start-up.
 */
final class EventSerializationFailureAnalyzer extends VarveFailureAnalyzer<EventSerializationException> {

	EventSerializationFailureAnalyzer(Environment environment) {
		super(environment);
	}

	@Override
	String summary(EventSerializationException cause) {
		return "An event cannot be serialised with Varve's Smile mapper.";
	}

	@Override
	String setting(EventSerializationException cause) {
		return "";
	}

	@Override
	String action(EventSerializationException cause) {
		return String.format("Give the event class state that Jackson can see and write (record components, "
				+ "public getters or Jackson annotations, holding values that serialise themselves). If the class "
				+ "is not meant to be an event, take it out of the packages scanned for @EventType classes "
				+ "(varve.event-packages and the application's packages).%nTo change how events are serialised, define a VarveSmileMapperBuilderCustomizer "
				+ "bean, or a SmileMapper bean of your own; never activate default typing on it.");
	}

}

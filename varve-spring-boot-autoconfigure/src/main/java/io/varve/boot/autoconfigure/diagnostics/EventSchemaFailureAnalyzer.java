package io.varve.boot.autoconfigure.diagnostics;

import org.springframework.core.env.Environment;

import io.varve.EventSchemaException;

/**
 * Explains stored events the application's event classes and upcasters cannot read: found
 * when the store opens, before any event is read wrongly.
 */
final class EventSchemaFailureAnalyzer extends VarveFailureAnalyzer<EventSchemaException> {

	EventSchemaFailureAnalyzer(Environment environment) {
		super(environment);
	}

	@Override
	String summary(EventSchemaException cause) {
		return "Varve's event classes and upcasters cannot read every event in its store.";
	}

	@Override
	String action(EventSchemaException cause) {
		return String.format("Declare an io.varve.Upcaster bean for each stored type and version that the message "
				+ "names, so that each chain leads to the version in the class's @EventType(version = ...); "
				+ "remove duplicate upcasters. Nothing was read or written: the store is as it was.%nSee "
				+ "\"Evolving events\" in Varve's README.");
	}

}

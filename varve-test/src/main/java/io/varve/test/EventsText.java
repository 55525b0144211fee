package io.varve.test;

import java.util.List;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.smile.SmileMapper;

import io.varve.RecordedEvent;
import io.varve.VarveBuilder;

/**
 * Events as assertion messages show them: one line each, with position, stream version,
 * type, schema version and the payload as JSON (decoded from the stored Smile without the
 * application's classes).
 */
final class EventsText {

	/** Most events a message lists. */
	static final int LIMIT = 50;

	private static final SmileMapper SMILE = VarveBuilder.defaultMapperBuilder().build();

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private EventsText() {
	}

	static String of(List<RecordedEvent> events) {
		if (events.isEmpty()) {
			return "  (no events)";
		}
		StringBuilder text = new StringBuilder();
		for (int i = 0; i < Math.min(LIMIT, events.size()); i++) {
			if (i > 0) {
				text.append('\n');
			}
			text.append("  ").append(line(events.get(i)));
		}
		if (events.size() > LIMIT) {
			text.append("\n  ... and ").append(events.size() - LIMIT).append(" more");
		}
		return text.toString();
	}

	static String line(RecordedEvent event) {
		return "#" + event.position() + " " + event.stream() + " v" + event.version() + " " + event.type()
				+ ((event.schemaVersion() > 1) ? " (schema v" + event.schemaVersion() + ")" : "") + " " + json(event);
	}

	static String json(RecordedEvent event) {
		try {
			JsonNode tree = SMILE.readTree(event.rawData());
			return JSON.writeValueAsString(tree);
		}
		catch (RuntimeException ex) {
			return "<" + event.dataSize() + " bytes that are not Smile: " + ex.getMessage() + ">";
		}
	}

	static String value(Object value) {
		if (value == null) {
			return "null";
		}
		try {
			return value.getClass().getSimpleName() + " " + JSON.writeValueAsString(value);
		}
		catch (RuntimeException ex) {
			return String.valueOf(value);
		}
	}

}

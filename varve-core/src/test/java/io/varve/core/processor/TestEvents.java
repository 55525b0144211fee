package io.varve.core.processor;

import java.util.ArrayList;
import java.util.List;

import io.varve.EventData;
import io.varve.EventType;

/** Events and helpers shared by the processor tests. */
final class TestEvents {

	private TestEvents() {
	}

	@EventType("Deposited")
	record Deposited(long amount) {
	}

	@EventType("Withdrawn")
	record Withdrawn(long amount) {
	}

	@EventType("Noted")
	record Noted(String text) {
	}

	static List<EventData> deposits(int count, long amount) {
		List<EventData> events = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			events.add(EventData.of(new Deposited(amount)));
		}
		return events;
	}

}

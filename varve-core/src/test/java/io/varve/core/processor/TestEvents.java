package io.varve.core.processor;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

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

	/** A clock that tests move by hand. */
	static final class MutableClock extends Clock {

		private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2025-01-01T00:00:00Z"));

		void advance(Duration duration) {
			this.now.updateAndGet((instant) -> instant.plus(duration));
		}

		@Override
		public ZoneId getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(ZoneId zone) {
			return this;
		}

		@Override
		public Instant instant() {
			return this.now.get();
		}

	}

}

package io.varve.benchmarks.support;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class EventsTest {

	@Test
	void benchmarkEventsEncodeToARealisticSize() {
		int average = Events.checkedAverageSize();
		assertThat(average).isBetween(Events.MIN_BYTES, Events.MAX_BYTES);
		assertThat(Events.encode(Events.event(63, 999_999))).hasSizeBetween(Events.MIN_BYTES, Events.MAX_BYTES);
	}

	@Test
	void decodingTheEncodingGivesTheSameEvent() {
		ItemAdded event = Events.event(7, 42);
		byte[] bytes = Events.encode(event);
		assertThat(Events.decode(bytes, 0, bytes.length)).isEqualTo(event);
	}

	@Test
	void eventsAreDeterministicAndDifferBetweenCarts() {
		assertThat(Events.event(3, 10)).isEqualTo(Events.event(3, 10));
		assertThat(Events.event(3, 10)).isNotEqualTo(Events.event(4, 10));
	}

}

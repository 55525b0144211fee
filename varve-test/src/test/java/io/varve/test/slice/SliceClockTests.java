package io.varve.test.slice;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

import io.varve.ExpectedVersion;
import io.varve.Varve;
import io.varve.boot.autoconfigure.VarveBuilderCustomizer;
import io.varve.test.VarveTest;
import io.varve.test.slice.SliceApplication.Credited;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A fixed clock through the slice: a {@link VarveBuilderCustomizer} the test imports sets
 * the store's clock, so event timestamps are deterministic.
 */
@VarveTest
@Import(SliceClockTests.FixedClock.class)
class SliceClockTests {

	static final Instant NOW = Instant.parse("2026-03-01T09:30:00Z");

	@Autowired
	Varve varve;

	@Test
	void eventsCarryTheFixedClocksTime() {
		this.varve.append("account-5", ExpectedVersion.noStream(), new Credited(1));
		assertThat(this.varve.readStream("account-5", 1, 1).get(0).timestamp()).isEqualTo(NOW);
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class FixedClock {

		@Bean
		VarveBuilderCustomizer fixedClock() {
			return (builder) -> builder.clock(Clock.fixed(NOW, ZoneOffset.UTC));
		}

	}

}

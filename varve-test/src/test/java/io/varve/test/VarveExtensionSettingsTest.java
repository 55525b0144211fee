package io.varve.test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.varve.Durability;
import io.varve.ExpectedVersion;
import io.varve.Varve;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The extension configured in code: a fixed clock stamps the events, and the durability
 * is the one asked for.
 */
class VarveExtensionSettingsTest {

	static final Instant NOW = Instant.parse("2026-01-01T10:00:00Z");

	@RegisterExtension
	static VarveExtension extension = VarveExtension.builder()
		.clock(Clock.fixed(NOW, ZoneOffset.UTC))
		.durability(Durability.SYNC)
		.customize((builder) -> builder.eventTypes(Deposited.class))
		.build();

	@Test
	void theClockStampsTheEvents(Varve varve) {
		varve.append("account-1", ExpectedVersion.noStream(), new Deposited(1));
		assertThat(varve.readStream("account-1", 1, 1).get(0).timestamp()).isEqualTo(NOW);
		assertThat(varve.storeInfo().durability()).isEqualTo(Durability.SYNC);
	}

}

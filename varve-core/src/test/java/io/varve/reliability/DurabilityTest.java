package io.varve.reliability;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.varve.Durability;
import io.varve.ExpectedVersion;
import io.varve.Varve;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each durability mode stores and reopens the same events (what a mode changes is only
 * what an OS crash or power loss can take, which {@link CrashRecoveryTest} cannot
 * simulate); the periodic sync of the relaxed modes runs alongside appends and stops
 * cleanly when the store closes.
 */
class DurabilityTest {

	@TempDir
	Path dir;

	@ParameterizedTest
	@EnumSource(Durability.class)
	void everyModeKeepsWhatItAcknowledgedAcrossCloseAndReopen(Durability durability) {
		Path store = this.dir.resolve(durability.name());
		StoreVerifier.Contents written;
		try (Varve varve = Varve.builder()
			.path(store)
			.durability(durability)
			.syncInterval((durability != Durability.SYNC) ? Duration.ofMillis(5) : null)
			.open()) {
			for (int i = 0; i < 200; i++) {
				varve.append("mode-" + (i % 4), ExpectedVersion.any(), Filler.of(i, 100));
			}
			assertThat(varve.storeInfo().durability()).isEqualTo(durability);
			written = StoreVerifier.verify(varve);
		}
		try (Varve reopened = Varve.open(store)) {
			assertThat(StoreVerifier.verify(reopened).digest()).isEqualTo(written.digest());
		}
	}

	@Test
	void closingWhilePeriodicSyncsRunIsSafe() {
		Path store = this.dir.resolve("store");
		for (int round = 0; round < 30; round++) {
			try (Varve varve = Varve.builder()
				.path(store)
				.durability(Durability.NO_SYNC)
				.syncInterval(Duration.ofMillis(1))
				.open()) {
				varve.append("round-" + round, ExpectedVersion.noStream(), Filler.of(round, 10));
			}
		}
		try (Varve varve = Varve.open(store)) {
			assertThat(varve.headPosition()).isEqualTo(30);
			assertThat(varve.streamCount()).isEqualTo(30);
		}
	}

}

package io.varve.benchmarks.scenario;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.varve.Durability;
import io.varve.Varve;
import io.varve.benchmarks.support.Checksum;
import io.varve.benchmarks.support.Measurement;
import io.varve.benchmarks.support.RawLmdb;
import io.varve.benchmarks.support.Stores;
import io.varve.processor.ProcessorState;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class ProcessorCatchUpScenarioTest {

	@TempDir
	Path directory;

	@Test
	void eachCatchUpRunsANewProcessorFromTheBeginningOverTheSameEventsTheRawScanReads() {
		try (Varve varve = Stores.varve(this.directory, "varve", Durability.SYNC);
				RawLmdb raw = RawLmdb.open(this.directory.resolve("raw"), false)) {
			Stores.fill(varve, 2_345, 100, 7, 0);
			Stores.fill(raw, 2_345, 100, 7, 0);
			long head = varve.headPosition();
			Checksum first = new Checksum();
			Checksum second = new Checksum();

			Measurement measured = ProcessorCatchUpScenario.catchUpDecoding(varve.processors(), head, first);
			ProcessorCatchUpScenario.catchUpDecoding(varve.processors(), head, second);

			assertThat(head).isEqualTo(2_345);
			assertThat(measured.events()).isEqualTo(head);
			assertThat(measured.nanos()).isPositive();
			first.requireSame(ReadScenario.readRaw(raw), "first catch-up");
			second.requireSame(ReadScenario.readRaw(raw), "second catch-up");
			assertThat(varve.processors().statuses()).hasSize(2)
				.allSatisfy((status) -> assertThat(status.state()).isEqualTo(ProcessorState.STOPPED));
		}
	}

	@Test
	void envelopeOnlyCatchUpAndRawCopyingScanSeeEveryPositionOnce() {
		try (Varve varve = Stores.varve(this.directory, "varve", Durability.SYNC);
				RawLmdb raw = RawLmdb.open(this.directory.resolve("raw"), false)) {
			Stores.fill(varve, 1_500, 100, 3, 0);
			Stores.fill(raw, 1_500, 100, 3, 0);
			ProcessorCatchUpScenario.Positions processor = new ProcessorCatchUpScenario.Positions();
			ProcessorCatchUpScenario.Positions scan = new ProcessorCatchUpScenario.Positions();

			ProcessorCatchUpScenario.catchUpEnvelopes(varve.processors(), varve.headPosition(), processor);
			Measurement scanned = ProcessorCatchUpScenario.scanCopying(raw, scan);

			assertThat(scanned.events()).isEqualTo(1_500);
			assertThat(processor.count()).isEqualTo(1_500);
			processor.requireSame(scan, 1_500);
			assertThatIllegalStateException().isThrownBy(() -> processor.requireSame(scan, 1_501))
				.withMessageContaining("1500 vs 1500 of 1501");
		}
	}

}

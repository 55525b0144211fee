package io.varve.benchmarks.scenario;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.varve.benchmarks.support.Settings;

import static org.assertj.core.api.Assertions.assertThat;

class DurableLoadsTest {

	@TempDir
	Path directory;

	@Test
	void theFlushCeilingCountsTheAppendsOfItsMeasuredWindowOnlyAndLeavesNoFileBehind() throws IOException {
		Settings settings = new Settings(0.01, this.directory, this.directory);

		DurableLoads.CeilingRun run = DurableLoads.ceiling(settings);

		assertThat(run.measurement().nanos()).isGreaterThanOrEqualTo(settings.measureMillis() * 1_000_000);
		assertThat(run.measurement().events()).isPositive()
			.isEqualTo(run.measurement().latencies().count())
			.isLessThan(run.records());
		try (Stream<Path> left = Files.list(this.directory)) {
			assertThat(left).isEmpty();
		}
	}

}

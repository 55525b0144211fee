package io.varve.benchmarks.scenario;

import java.util.List;

import io.varve.benchmarks.report.Row;
import io.varve.benchmarks.support.Settings;

/**
 * Scenario 4, a slot: processor catch-up over at least 1M events against a raw scan with
 * decoding (target 0.7x). Processors are not on the main branch yet; when the
 * {@code ProcessorRegistry} lands, replace {@link #run} with: fill a NO_SYNC store with
 * {@code max(1M, settings.logEvents())} events, register a processor from checkpoint 0
 * whose handler decodes each event ({@code data()}) into a {@code Checksum}, time until
 * its checkpoint reaches the head position, and compare with {@code ReadScenario.readRaw}
 * over a raw store holding the same events.
 */
public final class ProcessorCatchUpScenario implements Scenario {

	@Override
	public int number() {
		return 4;
	}

	@Override
	public String title() {
		return "Processor catch-up (slot)";
	}

	@Override
	public List<Row> run(Settings settings) {
		Scenario.progress("not measured: processors are not on the main branch yet");
		return List.of(new Row("4. Processor catch-up", "processor from checkpoint 0 over >= 1M events", null,
				"raw lmdbjava cursor scan + Smile decode", null, 0.7,
				"Not measured yet: this slot is wired once processors (ProcessorRegistry) land."));
	}

}

package io.varve.benchmarks.scenario;

import java.nio.file.Path;
import java.util.List;

import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;

import io.varve.Durability;
import io.varve.ExpectedVersion;
import io.varve.Varve;
import io.varve.VarveListener;
import io.varve.benchmarks.report.Row;
import io.varve.benchmarks.support.Alternation;
import io.varve.benchmarks.support.Events;
import io.varve.benchmarks.support.ItemAdded;
import io.varve.benchmarks.support.Latencies;
import io.varve.benchmarks.support.Measurement;
import io.varve.benchmarks.support.Settings;
import io.varve.benchmarks.support.Stores;
import io.varve.boot.observation.VarveObservations;

/**
 * Scenario 9: what observing appends costs. One thread appends one event per call
 * ({@code NO_SYNC}, so that no device flush hides the work added per append) to three
 * stores in alternating rounds: one with no listener, one with {@link VarveObservations}
 * on a no-op {@link ObservationRegistry} (what Spring Boot wires when observations are on
 * but nothing handles them: the target), and one on a registry with a meter handler (what
 * a timer per append costs: information).
 */
public final class ObservationScenario implements Scenario {

	private static final int STREAMS = 10;

	@Override
	public int number() {
		return 9;
	}

	@Override
	public String title() {
		return "Observation overhead on appends";
	}

	@Override
	public List<Row> run(Settings settings) throws Exception {
		long events = Math.max(20_000, settings.batchEvents() / 3);
		Scenario.progress("warm-up round (not counted)");
		append(settings, events, null);
		append(settings, events, new VarveObservations(ObservationRegistry.NOOP));
		append(settings, events, new VarveObservations(meterRegistry()));
		Measurement[] pooled = Alternation.run(settings.shortRounds(),
				(round, soFar) -> Scenario.progress(String.format(
						"round %d: no listener %,.0f ev/s, no-op registry %,.0f ev/s, meter handler %,.0f ev/s",
						round + 1, soFar[0].rate(), soFar[1].rate(), soFar[2].rate())),
				(round) -> append(settings, events, null),
				(round) -> append(settings, events, new VarveObservations(ObservationRegistry.NOOP)),
				(round) -> append(settings, events, new VarveObservations(meterRegistry())));
		Measurement none = pooled[0];
		Measurement noop = pooled[1];
		Measurement metered = pooled[2];
		String details = events + " single-event appends per side in each of " + settings.shortRounds()
				+ " alternating rounds after one uncounted warm-up round, from one thread, " + STREAMS
				+ " streams in rotation, Durability.NO_SYNC (no device flush, so the CPU added per append "
				+ "is not hidden behind one).";
		return List.of(
				new Row("9. Observed appends, no-op registry", "append 1 event, VarveObservations(NOOP)", noop,
						"same appends, no listener", none, 0.95,
						"Spring Boot registers VarveObservations when an ObservationRegistry bean exists; with no "
								+ "handler configured the registry is a no-op and Varve must cost nothing. " + details),
				new Row("9. Observed appends, meter handler", "append 1 event, VarveObservations(meters)", metered,
						"same appends, no listener", none, Double.NaN,
						"Information: each append starts and stops an observation that a "
								+ "DefaultMeterObservationHandler turns into a timer sample (SimpleMeterRegistry), "
								+ "and the append's metadata carrier is created. " + details));
	}

	private static ObservationRegistry meterRegistry() {
		ObservationRegistry registry = ObservationRegistry.create();
		registry.observationConfig().observationHandler(new DefaultMeterObservationHandler(new SimpleMeterRegistry()));
		return registry;
	}

	private static Measurement append(Settings settings, long events, VarveListener listener) {
		long[] versions = new long[STREAMS];
		long[][] samples = { new long[(int) events] };
		Path directory = Stores.freshDirectory(settings.workDir(), "observed");
		var builder = Varve.builder()
			.path(directory)
			.durability(Durability.NO_SYNC)
			.mapSize(256L * 1024 * 1024)
			.eventTypes(ItemAdded.class);
		if (listener != null) {
			builder.listener(listener);
		}
		long elapsed;
		try (Varve varve = builder.open()) {
			long start = System.nanoTime();
			for (int i = 0; i < events; i++) {
				long callStart = System.nanoTime();
				int stream = i % STREAMS;
				varve.append("cart-" + stream, ExpectedVersion.exact(versions[stream]),
						Events.event(stream, versions[stream]));
				versions[stream]++;
				samples[0][i] = System.nanoTime() - callStart;
			}
			elapsed = System.nanoTime() - start;
		}
		Stores.delete(directory);
		return new Measurement(events, elapsed, Latencies.of(samples, new int[] { (int) events }));
	}

}

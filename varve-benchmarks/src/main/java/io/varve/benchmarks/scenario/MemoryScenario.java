package io.varve.benchmarks.scenario;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.varve.benchmarks.report.Row;
import io.varve.benchmarks.support.Latencies;
import io.varve.benchmarks.support.Measurement;
import io.varve.benchmarks.support.Settings;
import io.varve.benchmarks.support.Stores;

/**
 * Scenario 6: memory stays flat while reading or replaying a large log. A child JVM with
 * a 64 MiB heap ({@link MemoryProbe}) writes the log, scans it whole, reads its longest
 * stream and replays it whole through a processor, decoding every event; the heap in use
 * after a full GC is sampled twenty times per pass. A log many times larger than the heap
 * can only be read if nothing loads it whole.
 */
public final class MemoryScenario implements Scenario {

	/** Heap of the probe JVM. */
	static final String HEAP = "64m";

	/** Largest growth of the after-GC heap during a scan that still counts as flat. */
	static final long FLAT_BYTES = 8L * 1024 * 1024;

	private static final String LOG = "log";

	private static final String STREAM = "stream";

	private static final String REPLAY = "replay";

	private static final String AGGREGATE = "aggregate";

	/** The probe's passes, in the order it runs them. */
	private static final String[] PASSES = { LOG, STREAM, AGGREGATE, REPLAY };

	private String details = "";

	@Override
	public int number() {
		return 6;
	}

	@Override
	public String title() {
		return "Memory while reading a large log";
	}

	/** Markdown with the heap samples of the last run. */
	public String details() {
		return this.details;
	}

	@Override
	public List<Row> run(Settings settings) throws Exception {
		long events = settings.memoryEvents();
		long streamEvents = Math.max(1000, events / 10);
		Path directory = Stores.freshDirectory(settings.workDir(), "memory");
		String java = ProcessHandle.current().info().command().orElse("java");
		List<String> command = List.of(java, "-Xmx" + HEAP, "-cp", System.getProperty("java.class.path"),
				MemoryProbe.class.getName(), directory.resolve("store").toString(), Long.toString(events),
				Long.toString(streamEvents));
		Scenario.progress(String.format("child JVM (-Xmx%s) writes %,d events, scans them, reads one stream and "
				+ "replays the log through a processor", HEAP, events));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		Map<String, List<long[]>> samples = new LinkedHashMap<>();
		for (String pass : PASSES) {
			samples.put(pass, new ArrayList<>());
		}
		Map<String, long[]> rates = new LinkedHashMap<>();
		long storeBytes = 0;
		List<String> other = new ArrayList<>();
		try (BufferedReader reader = new BufferedReader(
				new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = reader.readLine()) != null) {
				String[] parts = line.split(" ");
				if (parts[0].equals("sample") && parts.length == 4 && samples.containsKey(parts[1])) {
					samples.get(parts[1]).add(new long[] { Long.parseLong(parts[2]), Long.parseLong(parts[3]) });
				}
				else if (parts[0].equals("rate") && parts.length == 4) {
					rates.put(parts[1], new long[] { Long.parseLong(parts[2]), Long.parseLong(parts[3]) });
				}
				else if (parts[0].equals("store") && parts.length == 2) {
					storeBytes = Long.parseLong(parts[1]);
				}
				else {
					other.add(line);
				}
			}
		}
		if (!process.waitFor(30, TimeUnit.MINUTES) || process.exitValue() != 0
				|| !rates.keySet().containsAll(List.of(PASSES))) {
			throw new IllegalStateException("The memory probe failed: " + String.join("\n", other));
		}
		Stores.delete(directory);
		Map<String, Long> growths = new LinkedHashMap<>();
		samples.forEach((pass, list) -> growths.put(pass, growth(list)));
		boolean flat = growths.values().stream().allMatch((growth) -> growth <= FLAT_BYTES);
		this.details = details(events, streamEvents, storeBytes, samples, growths, flat);
		Scenario.progress(String.format(
				"store %,d MiB; heap growth log %,d KiB, stream %,d KiB, aggregate %,d KiB, replay %,d KiB: %s",
				storeBytes >> 20, growths.get(LOG) >> 10, growths.get(STREAM) >> 10, growths.get(AGGREGATE) >> 10,
				growths.get(REPLAY) >> 10, flat ? "flat" : "NOT flat"));
		String verdict = String.format(
				"Heap after GC grew by at most %,d KiB over the whole-log scan, %,d KiB over the %,d-event stream "
						+ "scan, %,d KiB loading that stream as an aggregate (AggregateRepository) and %,d KiB over "
						+ "the processor replay, in a %s heap while the store is %,d MiB: %s (limit %d MiB). Samples "
						+ "below.",
				growths.get(LOG) >> 10, growths.get(STREAM) >> 10, streamEvents, growths.get(AGGREGATE) >> 10,
				growths.get(REPLAY) >> 10, HEAP, storeBytes >> 20, flat ? "flat" : "NOT flat", FLAT_BYTES >> 20);
		return List.of(
				new Row(String.format("6. Memory: scan %,d events in -Xmx%s", events, HEAP),
						"scanAll + data(), heap sampled after GC", measurement(rates.get(LOG)), null, null, Double.NaN,
						verdict),
				new Row(String.format("6. Memory: load a %,d-event aggregate in -Xmx%s", streamEvents, HEAP),
						"AggregateRepository.load, folding each event as it is read, heap sampled after GC",
						measurement(rates.get(AGGREGATE)), null, null, Double.NaN,
						"The longest stream loaded through the aggregate helper without snapshots: it never holds "
								+ "the stream; see the memory section."),
				new Row(String.format("6. Memory: replay %,d events in -Xmx%s", events, HEAP),
						"processor from checkpoint 0, handler calls data(), heap sampled after GC",
						measurement(rates.get(REPLAY)), null, null, Double.NaN,
						"The same log replayed through a processor, as rebuilding a read model does; "
								+ "see the memory section."));
	}

	private static Measurement measurement(long[] rate) {
		return new Measurement(rate[0], rate[1], Latencies.none());
	}

	private static long growth(List<long[]> samples) {
		long min = Long.MAX_VALUE;
		long max = 0;
		for (long[] sample : samples) {
			min = Math.min(min, sample[1]);
			max = Math.max(max, sample[1]);
		}
		return samples.isEmpty() ? 0 : max - min;
	}

	private static String details(long events, long streamEvents, long storeBytes, Map<String, List<long[]>> samples,
			Map<String, Long> growths, boolean flat) {
		StringBuilder text = new StringBuilder();
		text.append(String.format("A child JVM with `-Xmx%s` wrote %,d events (store on disk: %,d MiB), then scanned "
				+ "the whole log, then its longest stream (%,d events), then loaded that stream as an aggregate, then replayed the whole log through a "
				+ "processor from checkpoint 0, decoding every event. Heap in use after `System.gc()`, in KiB:%n%n",
				HEAP, events, storeBytes >> 20, streamEvents));
		text.append("| events read | whole log | events read | one stream | events folded | aggregate load "
				+ "| events replayed | processor replay |\n|---:|---:|---:|---:|---:|---:|---:|---:|\n");
		int rows = samples.values().stream().mapToInt(List::size).max().orElse(0);
		for (int i = 0; i < rows; i++) {
			text.append("|");
			for (String pass : PASSES) {
				List<long[]> list = samples.get(pass);
				text.append((i < list.size()) ? String.format(" %,d | %,d |", list.get(i)[0], list.get(i)[1] >> 10)
						: "  |  |");
			}
			text.append("\n");
		}
		text.append(String.format(
				"%nGrowth (max - min): whole log %,d KiB, stream %,d KiB, aggregate load %,d KiB, processor replay "
						+ "%,d KiB: **%s** (limit %d MiB).%n",
				growths.get(LOG) >> 10, growths.get(STREAM) >> 10, growths.get(AGGREGATE) >> 10,
				growths.get(REPLAY) >> 10, flat ? "flat" : "not flat", FLAT_BYTES >> 20));
		return text.toString();
	}

}

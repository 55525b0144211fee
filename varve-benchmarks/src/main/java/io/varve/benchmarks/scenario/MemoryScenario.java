package io.varve.benchmarks.scenario;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.varve.benchmarks.report.Row;
import io.varve.benchmarks.support.Latencies;
import io.varve.benchmarks.support.Measurement;
import io.varve.benchmarks.support.Settings;
import io.varve.benchmarks.support.Stores;

/**
 * Scenario 6: memory stays flat while reading a large log. A child JVM with a 64 MiB heap
 * ({@link MemoryProbe}) writes the log and scans it whole and its longest stream,
 * decoding every event; the heap in use after a full GC is sampled twenty times per scan.
 * A log many times larger than the heap can only be read if nothing loads it whole.
 */
public final class MemoryScenario implements Scenario {

	/** Heap of the probe JVM. */
	static final String HEAP = "64m";

	/** Largest growth of the after-GC heap during a scan that still counts as flat. */
	static final long FLAT_BYTES = 8L * 1024 * 1024;

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
		Scenario.progress(String.format("child JVM (-Xmx%s) writes and scans %,d events", HEAP, events));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		List<long[]> logSamples = new ArrayList<>();
		List<long[]> streamSamples = new ArrayList<>();
		long[] logRate = null;
		long storeBytes = 0;
		List<String> other = new ArrayList<>();
		try (BufferedReader reader = new BufferedReader(
				new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = reader.readLine()) != null) {
				String[] parts = line.split(" ");
				if (parts[0].equals("sample") && parts.length == 4) {
					long[] sample = { Long.parseLong(parts[2]), Long.parseLong(parts[3]) };
					(parts[1].equals("log") ? logSamples : streamSamples).add(sample);
				}
				else if (parts[0].equals("rate") && parts.length == 4 && parts[1].equals("log")) {
					logRate = new long[] { Long.parseLong(parts[2]), Long.parseLong(parts[3]) };
				}
				else if (parts[0].equals("store") && parts.length == 2) {
					storeBytes = Long.parseLong(parts[1]);
				}
				else {
					other.add(line);
				}
			}
		}
		if (!process.waitFor(30, TimeUnit.MINUTES) || process.exitValue() != 0 || logRate == null) {
			throw new IllegalStateException("The memory probe failed: " + String.join("\n", other));
		}
		Stores.delete(directory);
		long logGrowth = growth(logSamples);
		long streamGrowth = growth(streamSamples);
		boolean flat = logGrowth <= FLAT_BYTES && streamGrowth <= FLAT_BYTES;
		this.details = details(events, streamEvents, storeBytes, logSamples, streamSamples, logGrowth, streamGrowth,
				flat);
		Scenario.progress(String.format("store %,d MiB; heap growth log %,d KiB, stream %,d KiB: %s", storeBytes >> 20,
				logGrowth >> 10, streamGrowth >> 10, flat ? "flat" : "NOT flat"));
		return List.of(new Row(String.format("6. Memory: scan %,d events in -Xmx%s", events, HEAP),
				"scanAll + data(), heap sampled after GC", new Measurement(logRate[0], logRate[1], Latencies.none()),
				null, null, Double.NaN,
				String.format(
						"Heap after GC grew by at most %,d KiB over the whole-log scan and %,d KiB over the "
								+ "%,d-event stream scan, in a %s heap while the store is %,d MiB: %s "
								+ "(limit %d MiB). Samples below.",
						logGrowth >> 10, streamGrowth >> 10, streamEvents, HEAP, storeBytes >> 20,
						flat ? "flat" : "NOT flat", FLAT_BYTES >> 20)));
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

	private static String details(long events, long streamEvents, long storeBytes, List<long[]> log,
			List<long[]> stream, long logGrowth, long streamGrowth, boolean flat) {
		StringBuilder text = new StringBuilder();
		text.append(String.format("A child JVM with `-Xmx%s` wrote %,d events (store on disk: %,d MiB), then scanned "
				+ "the whole log and then its longest stream (%,d events), decoding every event. Heap in use after "
				+ "`System.gc()`, in KiB:%n%n", HEAP, events, storeBytes >> 20, streamEvents));
		text.append("| events read | whole log | events read | one stream |\n|---:|---:|---:|---:|\n");
		for (int i = 0; i < Math.max(log.size(), stream.size()); i++) {
			text.append("| ")
				.append((i < log.size()) ? String.format("%,d | %,d", log.get(i)[0], log.get(i)[1] >> 10) : " | ")
				.append(" | ")
				.append((i < stream.size()) ? String.format("%,d | %,d", stream.get(i)[0], stream.get(i)[1] >> 10)
						: " | ")
				.append(" |\n");
		}
		text.append(String.format("%nGrowth (max - min): whole log %,d KiB, stream %,d KiB: **%s** (limit %d MiB).%n",
				logGrowth >> 10, streamGrowth >> 10, flat ? "flat" : "not flat", FLAT_BYTES >> 20));
		return text.toString();
	}

}

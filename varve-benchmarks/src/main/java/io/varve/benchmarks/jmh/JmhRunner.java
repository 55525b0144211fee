package io.varve.benchmarks.jmh;

import java.util.Collection;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;

/**
 * Runs JMH benchmarks with JMH's usual command-line options, then prints the ratios of
 * the pairs that belong together (64 writers over 1 writer, Varve over raw LMDB).
 */
public final class JmhRunner {

	private JmhRunner() {
	}

	/**
	 * Entry point.
	 * @param args a benchmark regex and JMH options
	 * @throws Exception if JMH fails
	 */
	public static void main(String[] args) throws Exception {
		CommandLineOptions options = new CommandLineOptions(args);
		if (options.shouldHelp()) {
			options.showHelp();
			return;
		}
		if (options.shouldList()) {
			new Runner(options).list();
			return;
		}
		Collection<RunResult> results = new Runner(options).run();
		Map<String, Double> scores = new HashMap<>();
		for (RunResult result : results) {
			String name = result.getParams().getBenchmark();
			scores.put(name.substring(name.lastIndexOf('.') + 1), result.getPrimaryResult().getScore());
		}
		ratio(scores, "sixtyFourWriters", "oneWriter", "durable appends, 64 writers / 1 writer (target >= 25x)");
		ratio(scores, "varve", "rawLmdb", "batched no-sync appends, Varve / raw lmdbjava (target >= 0.7x)");
	}

	private static void ratio(Map<String, Double> scores, String top, String bottom, String what) {
		if (scores.containsKey(top) && scores.containsKey(bottom) && scores.get(bottom) > 0) {
			System.out.printf(Locale.ROOT, "%s: %.2fx%n", what, scores.get(top) / scores.get(bottom));
		}
	}

}

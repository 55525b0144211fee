package io.varve.benchmarks;

import java.util.Arrays;

import io.varve.benchmarks.jmh.JmhRunner;
import io.varve.benchmarks.scenario.MemoryProbe;

/**
 * The benchmarks jar's entry point.
 *
 * <pre>
 * java -jar benchmarks.jar compare [--size=1]   side-by-side comparison, writes docs/benchmarks
 * java -jar benchmarks.jar jmh [regex] [JMH options]   JMH benchmarks
 * </pre>
 */
public final class Main {

	private Main() {
	}

	/**
	 * Entry point.
	 * @param args the command and its options
	 * @throws Exception if the command fails
	 */
	public static void main(String[] args) throws Exception {
		String command = (args.length > 0) ? args[0] : "";
		String[] rest = (args.length > 0) ? Arrays.copyOfRange(args, 1, args.length) : args;
		switch (command) {
			case "compare" -> Compare.main(rest);
			case "jmh" -> JmhRunner.main(rest);
			case "memory-probe" -> MemoryProbe.main(rest);
			default -> {
				System.err.println(
						"""
								Usage:
								  java -jar benchmarks.jar compare [--size=1] [--out=docs/benchmarks] [--work-dir=target/varve-bench-data] [--only=1,2,3,4,5,6]
								  java -jar benchmarks.jar jmh [regex] [JMH options, e.g. -f 1 -wi 2 -i 3]
								""");
				System.exit(command.isEmpty() ? 0 : 2);
			}
		}
	}

}

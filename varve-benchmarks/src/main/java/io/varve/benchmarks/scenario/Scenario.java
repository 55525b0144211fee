package io.varve.benchmarks.scenario;

import java.util.List;

import io.varve.benchmarks.report.Row;
import io.varve.benchmarks.support.Settings;

/**
 * One comparison scenario: runs Varve and its comparison side by side and returns the
 * result rows.
 */
public interface Scenario {

	/** The scenario's number as the issue lists them (1 to 6). */
	int number();

	/** A short title. */
	String title();

	/**
	 * Runs the scenario.
	 * @param settings sizes and directories
	 * @return one or more result rows
	 * @throws Exception if a side fails
	 */
	List<Row> run(Settings settings) throws Exception;

	/**
	 * Prints progress.
	 * @param message the message
	 */
	static void progress(String message) {
		System.out.println("  " + message);
		System.out.flush();
	}

}

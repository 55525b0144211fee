package io.varve.benchmarks.report;

import io.varve.benchmarks.support.Measurement;

/**
 * One line of the results: Varve and what it was compared with, measured side by side.
 *
 * @param scenario the scenario number and short name, such as "2. durable appends"
 * @param varveCase what Varve did
 * @param varve Varve's measurement, or null when not measured
 * @param comparisonCase what it was compared with
 * @param comparison the comparison's measurement, or null when not measured
 * @param target the target ratio (Varve over comparison), or NaN for information only
 * @param notes how the two were matched (durability, shape), shown under the table
 */
public record Row(String scenario, String varveCase, Measurement varve, String comparisonCase, Measurement comparison,
		double target, String notes) {

	/** Varve's rate over the comparison's, or NaN when either is missing. */
	public double ratio() {
		if (this.varve == null || this.comparison == null || this.comparison.rate() == 0) {
			return Double.NaN;
		}
		return this.varve.rate() / this.comparison.rate();
	}

	/** Whether a target is set and met. */
	public boolean meetsTarget() {
		return !Double.isNaN(this.target) && ratio() >= this.target;
	}

	/** Whether the row is a placeholder for something not measured yet. */
	public boolean isSlot() {
		return this.varve == null;
	}

}

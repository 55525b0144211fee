package io.varve.benchmarks.report;

import java.util.Locale;

import io.varve.benchmarks.support.Measurement;

/**
 * One line of the results: Varve and what it was compared with, measured side by side.
 * Most rows are a ratio of two rates with a lower limit as their target; a few give a
 * measured {@link Figure} (device flushes per append, CPU time per event) with an upper
 * limit instead.
 *
 * @param scenario the scenario number and short name, such as "2. durable appends"
 * @param varveCase what Varve did
 * @param varve Varve's measurement, or null when not measured
 * @param comparisonCase what it was compared with
 * @param comparison the comparison's measurement, or null when not measured
 * @param target the target: the least ratio (Varve over comparison), or for a figure row
 * the most the figure may be; NaN for information only
 * @param notes how the two were matched (durability, shape), shown under the table
 * @param figure the measured figure of a figure row, or null for a ratio row
 */
public record Row(String scenario, String varveCase, Measurement varve, String comparisonCase, Measurement comparison,
		double target, String notes, Figure figure) {

	/**
	 * A ratio row.
	 * @param scenario the scenario number and short name
	 * @param varveCase what Varve did
	 * @param varve Varve's measurement, or null when not measured
	 * @param comparisonCase what it was compared with
	 * @param comparison the comparison's measurement, or null when not measured
	 * @param target the least ratio, or NaN for information only
	 * @param notes how the two were matched
	 */
	public Row(String scenario, String varveCase, Measurement varve, String comparisonCase, Measurement comparison,
			double target, String notes) {
		this(scenario, varveCase, varve, comparisonCase, comparison, target, notes, null);
	}

	/**
	 * A row whose result is a measured figure, at most {@code atMost} to meet its target.
	 * @param scenario the scenario number and short name
	 * @param varveCase what Varve did
	 * @param varve the load the figure was measured over
	 * @param comparisonCase the same figure for a reference, in words, or null
	 * @param figure the figure (its value NaN when the system does not tell)
	 * @param atMost the target, or NaN for information only
	 * @param notes how it was measured
	 * @return the row
	 */
	public static Row figure(String scenario, String varveCase, Measurement varve, String comparisonCase, Figure figure,
			double atMost, String notes) {
		return new Row(scenario, varveCase, varve, comparisonCase, null, atMost, notes, figure);
	}

	/**
	 * Varve's rate over the comparison's, or NaN when either is missing or for a figure
	 * row.
	 */
	public double ratio() {
		if (this.figure != null || this.varve == null || this.comparison == null || this.comparison.rate() == 0) {
			return Double.NaN;
		}
		return this.varve.rate() / this.comparison.rate();
	}

	/** Whether a target is set and met (a figure unknown to the system meets none). */
	public boolean meetsTarget() {
		if (Double.isNaN(this.target)) {
			return false;
		}
		return (this.figure != null) ? this.figure.value() <= this.target : ratio() >= this.target;
	}

	/** Whether the row is a placeholder for something not measured yet. */
	public boolean isSlot() {
		return this.varve == null;
	}

	/** The target as a bound, such as "≥ 0.8x" or "≤ 12 µs"; "info" without one. */
	public String targetText() {
		if (Double.isNaN(this.target)) {
			return "info";
		}
		return (this.figure != null) ? "≤ " + Figure.number(this.target) + this.figure.suffix()
				: "≥ " + Figure.number(this.target) + "x";
	}

	/**
	 * The result of a figure row.
	 *
	 * @param value the measured value, NaN when the system does not tell
	 * @param unit its unit, such as "µs", or "" for a count
	 */
	public record Figure(double value, String unit) {

		/** The value with two decimals and its unit, or "not measured". */
		public String text() {
			return Double.isNaN(this.value) ? "not measured"
					: String.format(Locale.ROOT, "%.2f", this.value) + suffix();
		}

		String suffix() {
			return this.unit.isEmpty() ? "" : " " + this.unit;
		}

		static String number(double value) {
			return (value == Math.rint(value)) ? Long.toString((long) value) : Double.toString(value);
		}

	}

}

package io.varve.benchmarks.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.varve.benchmarks.support.Measurement;

/**
 * Writes the results as Markdown: the table of ratios, notes on how each pair was
 * matched, extra sections (memory samples), and the machine.
 */
public final class ResultsReport {

	private final List<Row> rows;

	private final Map<String, String> sections = new LinkedHashMap<>();

	private final List<String> machine;

	private final String command;

	private final ZonedDateTime date;

	private final String chartFile;

	private final long seconds;

	/**
	 * Creates a report.
	 * @param rows the result rows
	 * @param machine lines describing the machine
	 * @param command the command line that produced the results
	 * @param date when the run ended
	 * @param chartFile the chart's file name, next to the report
	 * @param seconds how long the run took
	 */
	public ResultsReport(List<Row> rows, List<String> machine, String command, ZonedDateTime date, String chartFile,
			long seconds) {
		this.rows = List.copyOf(rows);
		this.machine = List.copyOf(machine);
		this.command = command;
		this.date = date;
		this.chartFile = chartFile;
		this.seconds = seconds;
	}

	/**
	 * Adds a section after the table.
	 * @param title its heading
	 * @param markdown its text
	 * @return this report
	 */
	public ResultsReport section(String title, String markdown) {
		if (markdown != null && !markdown.isBlank()) {
			this.sections.put(title, markdown);
		}
		return this;
	}

	/**
	 * The report as Markdown.
	 * @return the text
	 */
	public String markdown() {
		StringBuilder out = new StringBuilder();
		out.append("# Varve benchmark results\n\n");
		out.append("Measured on ")
			.append(this.date.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME.withLocale(Locale.ROOT)));
		out.append(" by `")
			.append(this.command)
			.append("` (")
			.append(this.seconds / 60)
			.append(" min ")
			.append(this.seconds % 60)
			.append(" s).\n\n");
		out.append("Every ratio is Varve's rate divided by the comparison's rate, both measured in the same "
				+ "process, one after the other (pairs alternate over rounds and the rounds are pooled), so noise "
				+ "from a shared machine hits both sides alike. Rates are events per second; latencies are per "
				+ "call, in microseconds. A few rows give a measured figure instead of a ratio (device flushes per "
				+ "durable append, CPU time per event), with the most it may be as their target.\n\n");
		out.append("![Ratios per scenario](").append(this.chartFile).append(")\n\n");
		out.append("| Scenario | Varve | Varve events/s | Compared with | Comparison events/s | Ratio | Target | Met "
				+ "| Varve p50 / p99 µs | Comparison p50 / p99 µs |\n");
		out.append("|---|---|---:|---|---:|---:|---:|:---:|---:|---:|\n");
		for (Row row : this.rows) {
			out.append("| ").append(row.scenario());
			out.append(" | ").append(row.varveCase());
			out.append(" | ").append(rate(row.varve()));
			out.append(" | ").append((row.comparisonCase() != null) ? row.comparisonCase() : "—");
			out.append(" | ").append(rate(row.comparison()));
			out.append(" | ").append(result(row));
			out.append(" | ").append(row.targetText());
			out.append(" | ").append(met(row));
			out.append(" | ").append(latency(row.varve()));
			out.append(" | ").append(latency(row.comparison()));
			out.append(" |\n");
		}
		out.append("\n## How each pair was matched\n\n");
		List<String> seen = new ArrayList<>();
		for (Row row : this.rows) {
			if (!seen.contains(row.notes())) {
				seen.add(row.notes());
				out.append("- **").append(row.scenario()).append("**: ").append(row.notes()).append('\n');
			}
		}
		for (Map.Entry<String, String> section : this.sections.entrySet()) {
			out.append("\n## ").append(section.getKey()).append("\n\n").append(section.getValue().strip()).append('\n');
		}
		out.append("\n## Machine\n\n");
		for (String line : this.machine) {
			out.append(line).append('\n');
		}
		return out.toString();
	}

	/**
	 * Writes the Markdown to a file.
	 * @param file the file
	 * @throws IOException if it cannot be written
	 */
	public void write(Path file) throws IOException {
		Files.createDirectories(file.toAbsolutePath().getParent());
		Files.writeString(file, markdown(), StandardCharsets.UTF_8);
	}

	private static String result(Row row) {
		if (row.figure() != null) {
			return Double.isNaN(row.figure().value()) ? row.figure().text() : "**" + row.figure().text() + "**";
		}
		return Double.isNaN(row.ratio()) ? "—" : String.format(Locale.ROOT, "**%.2fx**", row.ratio());
	}

	private static String met(Row row) {
		if (row.isSlot()) {
			return "slot";
		}
		if (Double.isNaN(row.target()) || (row.figure() != null && Double.isNaN(row.figure().value()))) {
			return "—";
		}
		return row.meetsTarget() ? "yes" : "**no**";
	}

	private static String rate(Measurement measurement) {
		return (measurement != null) ? String.format(Locale.ROOT, "%,.0f", measurement.rate()) : "—";
	}

	private static String latency(Measurement measurement) {
		if (measurement == null || measurement.latencies().isEmpty()) {
			return "—";
		}
		return String.format(Locale.ROOT, "%,.0f / %,.0f", measurement.latencies().percentileMicros(50),
				measurement.latencies().percentileMicros(99));
	}

}

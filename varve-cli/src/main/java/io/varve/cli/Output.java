package io.varve.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Prints rows as a table that fits an 80-column terminal (long values cut with an
 * ellipsis) or as JSON, one document per line.
 */
final class Output {

	static final int WIDTH = 80;

	static final JsonMapper JSON = JsonMapper.builder().build();

	private final PrintWriter out;

	private final VarveCli.Format format;

	Output(PrintWriter out, VarveCli.Format format) {
		this.out = out;
		this.format = format;
	}

	boolean json() {
		return this.format == VarveCli.Format.json;
	}

	void json(JsonNode node) {
		this.out.println(JSON.writeValueAsString(node));
	}

	void line(String text) {
		this.out.println(text);
	}

	/**
	 * Prints a table: each column as wide as its widest value, at most its cap, and the
	 * last column taking what is left of 80.
	 * @param headers the column headers
	 * @param caps the widest each column may be
	 * @param rows the rows
	 */
	void table(String[] headers, int[] caps, List<String[]> rows) {
		int[] widths = new int[headers.length];
		for (int i = 0; i < headers.length; i++) {
			widths[i] = headers[i].length();
			for (String[] row : rows) {
				widths[i] = Math.max(widths[i], row[i].length());
			}
			widths[i] = Math.min(widths[i], caps[i]);
		}
		int used = 0;
		for (int i = 0; i < widths.length - 1; i++) {
			used += widths[i] + 2;
		}
		widths[widths.length - 1] = Math.max(4, Math.min(widths[widths.length - 1], WIDTH - used));
		List<String[]> all = new ArrayList<>(rows.size() + 1);
		all.add(headers);
		all.addAll(rows);
		for (String[] row : all) {
			StringBuilder text = new StringBuilder();
			for (int i = 0; i < row.length; i++) {
				String cell = fit(row[i], widths[i]);
				text.append(cell);
				if (i < row.length - 1) {
					text.append(" ".repeat(widths[i] - cell.length() + 2));
				}
			}
			this.out.println(text.toString().stripTrailing());
		}
	}

	/** Key and value lines, for one record. */
	void pairs(List<String[]> pairs) {
		int width = pairs.stream().mapToInt((pair) -> pair[0].length()).max().orElse(0);
		for (String[] pair : pairs) {
			String line = pair[0] + " ".repeat(width - pair[0].length() + 2) + pair[1];
			this.out.println(fit(line, WIDTH));
		}
	}

	static String fit(String text, int width) {
		String flat = text.replace('\n', ' ').replace('\r', ' ').replace('\t', ' ');
		return (flat.length() <= width) ? flat : flat.substring(0, Math.max(0, width - 1)) + "…";
	}

}

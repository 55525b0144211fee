package io.varve.benchmarks.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import javax.imageio.ImageIO;

/**
 * Draws the ratios per scenario as horizontal bars on a logarithmic axis, with each row's
 * target marked, and under them a line per figure row (a figure is no ratio, so it gets
 * no bar), into a PNG (plain Java2D, headless).
 */
public final class RatioChart {

	private static final Color MET = new Color(0x2e7d32);

	private static final Color MISSED = new Color(0xc62828);

	private static final Color INFO = new Color(0x607d8b);

	private static final int WIDTH = 1400;

	private static final int BAR = 26;

	private static final int GAP = 12;

	private static final int LABEL_WIDTH = 560;

	private static final int FIGURE_LINE = 20;

	private static final int MARGIN = 24;

	private RatioChart() {
	}

	/**
	 * Draws the chart.
	 * @param rows the result rows; rows without a ratio are left out
	 * @param title the chart title
	 * @param file the PNG file
	 * @throws IOException if it cannot be written
	 */
	public static void write(List<Row> rows, String title, Path file) throws IOException {
		List<Row> bars = new ArrayList<>();
		List<Row> figures = new ArrayList<>();
		for (Row row : rows) {
			if (!Double.isNaN(row.ratio())) {
				bars.add(row);
			}
			else if (row.figure() != null) {
				figures.add(row);
			}
		}
		int top = 70;
		int height = top + bars.size() * (BAR + GAP) + 70 + figures.size() * FIGURE_LINE;
		BufferedImage image = new BufferedImage(WIDTH, height, BufferedImage.TYPE_INT_RGB);
		Graphics2D g = image.createGraphics();
		try {
			g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
			g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
			g.setColor(Color.WHITE);
			g.fillRect(0, 0, WIDTH, height);
			g.setColor(Color.BLACK);
			g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
			g.drawString(title, MARGIN, 32);
			g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
			g.drawString("Varve's rate / comparison's rate (log scale); | marks the target; green = met, red = missed, "
					+ "grey = information only", MARGIN, 52);
			double min = 0.1;
			double max = 100;
			for (Row row : bars) {
				max = Math.max(max, row.ratio() * 1.5);
				min = Math.min(min, row.ratio() / 1.5);
			}
			Axis axis = new Axis(Math.log10(min), Math.log10(max), LABEL_WIDTH + MARGIN, WIDTH - MARGIN - 70);
			drawGrid(g, axis, top, top + bars.size() * (BAR + GAP));
			g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
			FontMetrics metrics = g.getFontMetrics();
			int y = top;
			for (Row row : bars) {
				g.setColor(Color.BLACK);
				String label = fit(row.scenario(), metrics, LABEL_WIDTH - 10);
				g.drawString(label, MARGIN, y + BAR / 2 + metrics.getAscent() / 2 - 2);
				int x0 = axis.x(Math.log10(min));
				int x1 = axis.x(Math.log10(row.ratio()));
				g.setColor(Double.isNaN(row.target()) ? INFO : (row.meetsTarget() ? MET : MISSED));
				g.fillRect(x0, y, Math.max(2, x1 - x0), BAR);
				g.setColor(Color.BLACK);
				int xLabel = Double.isNaN(row.target()) ? x1 : Math.max(x1, axis.x(Math.log10(row.target())));
				g.drawString(String.format(Locale.ROOT, "%.2fx", row.ratio()), xLabel + 6,
						y + BAR / 2 + metrics.getAscent() / 2 - 2);
				if (!Double.isNaN(row.target())) {
					int xt = axis.x(Math.log10(row.target()));
					g.setStroke(new BasicStroke(3));
					g.drawLine(xt, y - 3, xt, y + BAR + 3);
					g.setStroke(new BasicStroke(1));
				}
				y += BAR + GAP;
			}
			drawFigures(g, figures, y + 36);
		}
		finally {
			g.dispose();
		}
		Files.createDirectories(file.toAbsolutePath().getParent());
		ImageIO.write(image, "png", file.toFile());
	}

	private static void drawFigures(Graphics2D g, List<Row> figures, int top) {
		FontMetrics metrics = g.getFontMetrics();
		int y = top;
		for (Row row : figures) {
			g.setColor(Double.isNaN(row.target()) ? INFO : (row.meetsTarget() ? MET : MISSED));
			g.fillRect(MARGIN, y + 4, 10, 10);
			g.setColor(Color.BLACK);
			g.drawString(fit(row.scenario(), metrics, LABEL_WIDTH - 10), MARGIN + 16, y + metrics.getAscent());
			g.drawString(row.figure().text() + " (target " + row.targetText() + ")", LABEL_WIDTH + MARGIN,
					y + metrics.getAscent());
			y += FIGURE_LINE;
		}
	}

	private static void drawGrid(Graphics2D g, Axis axis, int top, int bottom) {
		g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
		for (int exponent = (int) Math.floor(axis.from); exponent <= (int) Math.ceil(axis.to); exponent++) {
			for (int step = 1; step < 10; step++) {
				double value = Math.log10(step * Math.pow(10, exponent));
				if (value < axis.from || value > axis.to) {
					continue;
				}
				int x = axis.x(value);
				g.setColor(new Color((step == 1) ? 0xbdbdbd : 0xeeeeee));
				g.drawLine(x, top - 6, x, bottom);
				if (step == 1 || step == 2 || step == 5) {
					g.setColor(Color.DARK_GRAY);
					double label = step * Math.pow(10, exponent);
					String text = (label < 1) ? String.format(Locale.ROOT, "%.1fx", label)
							: String.format(Locale.ROOT, "%.0fx", label);
					g.drawString(text, x - 8, bottom + 16);
				}
			}
		}
		int one = axis.x(0);
		g.setColor(Color.BLACK);
		g.drawLine(one, top - 6, one, bottom);
	}

	private static String fit(String text, FontMetrics metrics, int width) {
		if (metrics.stringWidth(text) <= width) {
			return text;
		}
		String shortened = text;
		while (shortened.length() > 4 && metrics.stringWidth(shortened + "…") > width) {
			shortened = shortened.substring(0, shortened.length() - 1);
		}
		return shortened + "…";
	}

	private record Axis(double from, double to, int left, int right) {

		int x(double value) {
			return this.left + (int) Math.round((value - this.from) / (this.to - this.from) * (this.right - this.left));
		}

	}

}

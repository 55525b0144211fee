package io.varve.benchmarks.report;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.util.List;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.varve.benchmarks.support.Latencies;
import io.varve.benchmarks.support.Measurement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class ResultsReportTest {

	private static final long SECOND = 1_000_000_000L;

	private final Row met = new Row("1. Met", "varve", new Measurement(900, SECOND, Latencies.none()), "raw",
			new Measurement(1_000, SECOND, Latencies.of(new long[][] { { 2_000, 8_000 } }, new int[] { 2 })), 0.7,
			"matched durability");

	private final Row missed = new Row("2. Missed", "varve", new Measurement(100, SECOND, Latencies.none()), "raw",
			new Measurement(1_000, SECOND, Latencies.none()), 0.8, "other notes");

	private final Row slot = new Row("4. Slot", "later", null, "raw", null, 0.7, "not yet");

	private final Row flushes = Row.figure("2. Flushes", "varve", new Measurement(500, SECOND, Latencies.none()),
			"ceiling: 1.00", new Row.Figure(2.0, ""), 1.05, "counted");

	private final Row cpu = Row.figure("2. CPU", "varve", new Measurement(500, SECOND, Latencies.none()), "raw: 3 µs",
			new Row.Figure(11.996, "µs"), 12, "per event");

	private final Row unknown = Row.figure("2. Unknown", "varve", new Measurement(500, SECOND, Latencies.none()), null,
			new Row.Figure(Double.NaN, ""), 1.05, "no /sys");

	@Test
	void figureRowsMeetTheirTargetAtOrBelowItAndHaveNoRatio() {
		assertThat(this.flushes.meetsTarget()).isFalse();
		assertThat(this.cpu.meetsTarget()).isTrue();
		assertThat(Row.figure("2. At", "varve", this.flushes.varve(), null, new Row.Figure(1.05, ""), 1.05, "")
			.meetsTarget()).isTrue();
		assertThat(this.unknown.meetsTarget()).isFalse();
		assertThat(this.flushes.ratio()).isNaN();
		assertThat(this.flushes.targetText()).isEqualTo("≤ 1.05");
		assertThat(this.cpu.targetText()).isEqualTo("≤ 12 µs");
		assertThat(this.met.targetText()).isEqualTo("≥ 0.7x");
		assertThat(new Row("5. Info", "varve", null, "raw", null, Double.NaN, "").targetText()).isEqualTo("info");
	}

	@Test
	void markdownShowsAFigureRowsValueAgainstItsUpperLimit() {
		String markdown = new ResultsReport(List.of(this.flushes, this.cpu, this.unknown), List.of(), "compare",
				ZonedDateTime.parse("2026-01-02T03:04:05Z"), "ratios.png", 1)
			.markdown();
		assertThat(markdown).contains("| 2. Flushes | varve | 500 | ceiling: 1.00 | — | **2.00** | ≤ 1.05 | **no** |");
		assertThat(markdown).contains("| 2. CPU | varve | 500 | raw: 3 µs | — | **12.00 µs** | ≤ 12 µs | yes |");
		assertThat(markdown).contains("| 2. Unknown | varve | 500 | — | — | not measured | ≤ 1.05 | — |");
	}

	@Test
	void rowsReportRatiosAndWhetherTheyMeetTheirTarget() {
		assertThat(this.met.ratio()).isEqualTo(0.9);
		assertThat(this.met.meetsTarget()).isTrue();
		assertThat(this.missed.meetsTarget()).isFalse();
		assertThat(this.slot.ratio()).isNaN();
		assertThat(this.slot.isSlot()).isTrue();
	}

	@Test
	void markdownHasOneTableLinePerRowWithRatioTargetAndLatencies() {
		String markdown = new ResultsReport(List.of(this.met, this.missed, this.slot), List.of("- CPU: test"),
				"compare --size=1", ZonedDateTime.parse("2026-01-02T03:04:05Z"), "ratios.png", 75)
			.section("Memory", "flat")
			.markdown();
		assertThat(markdown).contains("| 1. Met | varve | 900 | raw | 1,000 | **0.90x** | ≥ 0.7x | yes | — | 2 / 8 |");
		assertThat(markdown).contains("| 2. Missed | varve | 100 | raw | 1,000 | **0.10x** | ≥ 0.8x | **no** |");
		assertThat(markdown).contains("| 4. Slot | later | — | raw | — | — | ≥ 0.7x | slot |");
		assertThat(markdown).contains("![Ratios per scenario](ratios.png)", "## Memory", "- CPU: test", "(1 min 15 s)",
				"2026-01-02T03:04:05Z");
	}

	@Test
	void chartIsAPngWithABarPerMeasuredRow(@TempDir Path directory) throws Exception {
		Path file = directory.resolve("chart.png");
		RatioChart.write(List.of(this.met, this.missed, this.slot, this.flushes, this.cpu), "test", file);
		BufferedImage image = ImageIO.read(file.toFile());
		assertThat(image.getWidth()).isEqualTo(1400);
		// Two measured ratio rows: title area, two bars and the axis labels; then a line
		// for each figure row, which has no ratio to draw as a bar.
		assertThat(image.getHeight()).isEqualTo(70 + 2 * (26 + 12) + 70 + 2 * 20);
	}

	@Test
	void checksumsOfDifferentReadsDisagree() {
		io.varve.benchmarks.support.Checksum first = new io.varve.benchmarks.support.Checksum();
		io.varve.benchmarks.support.Checksum second = new io.varve.benchmarks.support.Checksum();
		first.accept(io.varve.benchmarks.support.Events.event(1, 1));
		second.accept(io.varve.benchmarks.support.Events.event(1, 2));
		assertThatIllegalStateException().isThrownBy(() -> first.requireSame(second, "test"));
	}

}

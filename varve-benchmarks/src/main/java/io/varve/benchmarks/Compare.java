package io.varve.benchmarks;

import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

import io.varve.benchmarks.report.MachineInfo;
import io.varve.benchmarks.report.RatioChart;
import io.varve.benchmarks.report.ResultsReport;
import io.varve.benchmarks.report.Row;
import io.varve.benchmarks.scenario.AxonScenario;
import io.varve.benchmarks.scenario.BatchAppendScenario;
import io.varve.benchmarks.scenario.DurableAppendScenario;
import io.varve.benchmarks.scenario.EncryptionScenario;
import io.varve.benchmarks.scenario.EvolutionScenario;
import io.varve.benchmarks.scenario.KafkaScenario;
import io.varve.benchmarks.scenario.LayoutScenario;
import io.varve.benchmarks.scenario.MemoryScenario;
import io.varve.benchmarks.scenario.ObservationScenario;
import io.varve.benchmarks.scenario.PostgresScenario;
import io.varve.benchmarks.scenario.ProcessorCatchUpScenario;
import io.varve.benchmarks.scenario.ReadScenario;
import io.varve.benchmarks.scenario.RetentionScenario;
import io.varve.benchmarks.scenario.Scenario;
import io.varve.benchmarks.support.Events;
import io.varve.benchmarks.support.Settings;
import io.varve.benchmarks.support.Stores;

/**
 * The comparison runner: runs every scenario with Varve and its comparison side by side
 * and writes {@code results.md} and {@code ratios.png}.
 *
 * <pre>
 * java -jar varve-benchmarks/target/benchmarks.jar compare [--size=1] [--out=docs/benchmarks]
 *     [--work-dir=target/varve-bench-data] [--only=1,2,5]
 * </pre>
 *
 * {@code --size} scales every event count and measuring window: 1 (the default) takes
 * about ten minutes on a 2-core machine, 0.1 is a quick smoke run, 5 scans 10M events in
 * the memory scenario.
 */
public final class Compare {

	static final String RESULTS = "results.md";

	static final String CHART = "ratios.png";

	private Compare() {
	}

	/**
	 * Entry point.
	 * @param args the options
	 * @throws Exception if writing the results fails
	 */
	public static void main(String[] args) throws Exception {
		System.setProperty("java.awt.headless", "true");
		double size = 1;
		Path out = Path.of("docs", "benchmarks");
		Path work = Path.of("target", "varve-bench-data");
		Set<Integer> only = new TreeSet<>();
		for (String arg : args) {
			if (arg.startsWith("--size=")) {
				size = Double.parseDouble(arg.substring("--size=".length()));
				if (!(size > 0)) {
					throw new IllegalArgumentException("--size must be positive, got " + arg);
				}
			}
			else if (arg.startsWith("--out=")) {
				out = Path.of(arg.substring("--out=".length()));
			}
			else if (arg.startsWith("--work-dir=")) {
				work = Path.of(arg.substring("--work-dir=".length()));
			}
			else if (arg.startsWith("--only=")) {
				for (String number : arg.substring("--only=".length()).split(",")) {
					only.add(Integer.parseInt(number.trim()));
				}
			}
			else {
				throw new IllegalArgumentException(
						"Unknown option " + arg + "; use --size=<factor> --out=<dir> --work-dir=<dir> --only=<n,n>");
			}
		}
		run(new Settings(size, work, out), only, String.join(" ", args));
	}

	static List<Row> run(Settings settings, Set<Integer> only, String arguments) throws Exception {
		long started = System.nanoTime();
		int eventSize = Events.checkedAverageSize();
		System.out.printf(Locale.ROOT, "Varve comparison, size %s; benchmark event: %d bytes as Smile; stores in %s%n",
				settings.size(), eventSize, settings.workDir().toAbsolutePath());
		MemoryScenario memory = new MemoryScenario();
		LayoutScenario layout = new LayoutScenario();
		List<Scenario> scenarios = List.of(new BatchAppendScenario(), new DurableAppendScenario(), new ReadScenario(),
				new ProcessorCatchUpScenario(), new AxonScenario(), new PostgresScenario(), new EvolutionScenario(),
				memory, layout, new ObservationScenario(), new KafkaScenario(), new EncryptionScenario(),
				new RetentionScenario());
		List<Row> rows = new ArrayList<>();
		List<String> times = new ArrayList<>();
		for (Scenario scenario : scenarios) {
			if (!only.isEmpty() && !only.contains(scenario.number())) {
				continue;
			}
			System.out.println(scenario.number() + ". " + scenario.title());
			long scenarioStarted = System.nanoTime();
			try {
				rows.addAll(scenario.run(settings));
			}
			catch (Exception | Error ex) {
				ex.printStackTrace();
				rows.add(new Row(scenario.number() + ". " + scenario.title(), "failed", null, null, null, Double.NaN,
						"The run failed: " + ex));
			}
			finally {
				Stores.delete(settings.workDir());
				long scenarioSeconds = (System.nanoTime() - scenarioStarted) / 1_000_000_000L;
				times.add(scenario.number() + ". " + scenarioSeconds + " s");
				Scenario.progress("took " + scenarioSeconds + " s");
			}
		}
		long seconds = (System.nanoTime() - started) / 1_000_000_000L;
		String command = "java -jar varve-benchmarks/target/benchmarks.jar compare"
				+ (arguments.isEmpty() ? "" : " " + arguments);
		ResultsReport report = new ResultsReport(rows, MachineInfo.describe(settings.workDir()), command,
				ZonedDateTime.now(), CHART, seconds)
			.section("Event shape",
					"`ItemAdded` record with nine fields (cart id, SKU, product name, quantity, "
							+ "unit price, currency, user, timestamp, tags): " + eventSize
							+ " bytes on average as Smile (checked to lie within " + Events.MIN_BYTES + "–"
							+ Events.MAX_BYTES + " bytes before every run).")
			.section("Memory", memory.details())
			.section("Where the time goes: storage layout (diagnostic)", layout.details())
			.section("Sizes", sizes(settings) + "\n\nTime per scenario: " + String.join(", ", times) + ".");
		report.write(settings.outDir().resolve(RESULTS));
		RatioChart.write(rows, "Varve vs comparison, same process (size " + settings.size() + ")",
				settings.outDir().resolve(CHART));
		System.out.println();
		for (Row row : rows) {
			String result = (row.figure() != null) ? row.figure().text()
					: Double.isNaN(row.ratio()) ? "-" : String.format(Locale.ROOT, "%.2fx", row.ratio());
			System.out.printf(Locale.ROOT, "%-64s %14s  vs %14s  result %8s  target %s%n", row.scenario(),
					rate(row.varve()), rate(row.comparison()), result,
					row.isSlot() ? "slot (not measured)" : Double.isNaN(row.target()) ? "info"
							: (row.meetsTarget() ? "met" : "MISSED") + " (" + row.targetText() + ")");
		}
		System.out.printf(Locale.ROOT, "%nWrote %s and %s in %d s%n", settings.outDir().resolve(RESULTS),
				settings.outDir().resolve(CHART), seconds);
		return rows;
	}

	private static String sizes(Settings settings) {
		return String.format(Locale.ROOT,
				"Size factor %s: %,d events per side for batched appends; durable loads warm up %,d ms and measure "
						+ "%,d ms per side and round; %,d rounds (the peers: up to 2); batched appends and reads alternate in %,d "
						+ "rounds; reads over a %,d-event log with a %,d-event stream; "
						+ "processors catch up over %,d events; the peers read %,d events (PostgreSQL in half the rounds); the memory probe scans and replays %,d events (10M at size 1).",
				settings.size(), settings.batchEvents(), settings.warmupMillis(), settings.measureMillis(),
				settings.rounds(), settings.shortRounds(), settings.logEvents(), settings.streamEvents(),
				settings.catchUpEvents(), settings.peerReadEvents(), settings.memoryEvents());
	}

	private static String rate(io.varve.benchmarks.support.Measurement measurement) {
		return (measurement != null) ? String.format(Locale.ROOT, "%,.0f/s", measurement.rate()) : "-";
	}

}

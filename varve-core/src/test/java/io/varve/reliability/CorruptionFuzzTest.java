package io.varve.reliability;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Damages a real store's data file past its meta pages (random bytes, runs, zeroed,
 * random and misplaced pages) and reads every copy every way there is: open, head,
 * readAll (plain and filtered), scanAll, readStream both ways, scanStream, readEvent,
 * streamInfo, listStreams, and a processor catching up with projections and parked
 * events. Each read must give the correct data or a typed {@code VarveException}; a
 * {@code CorruptDataException} must name the data file.
 *
 * <p>
 * LMDB has no page checksums and follows the page numbers it reads, so some damage
 * crashes the process inside LMDB's own code, out of Varve's reach: the damaged copies
 * are read in child JVMs, and a crash counts as tolerated only when the JVM's crash
 * report puts it in LMDB's native code. Damage inside an event's payload that still
 * decodes is undetectable until events carry checksums; it is counted, not failed.
 *
 * <p>
 * Seeded and bounded: {@code -Dvarve.corruption.seed=N} repeats a run,
 * {@code -Dvarve.corruption.cases=N} and {@code -Dvarve.corruption.seconds=N} make it
 * longer.
 */
class CorruptionFuzzTest {

	private static final int CASES = Integer.getInteger("varve.corruption.cases", 40);

	private static final int SECONDS = Integer.getInteger("varve.corruption.seconds", 90);

	private static final Duration CASE_TIMEOUT = Duration.ofSeconds(60);

	@TempDir
	Path dir;

	@Test
	void damagedDataFilesGiveCorrectDataOrTypedErrorsNeverOtherExceptions() throws Exception {
		long seed = Long.getLong("varve.corruption.seed", 20261126L);
		Path pristine = this.dir.resolve("pristine");
		FuzzedStore.build(pristine);
		Path crashes = Files.createDirectories(this.dir.resolve("crash-reports"));
		long deadline = System.nanoTime() + Duration.ofSeconds(SECONDS).toNanos();
		Results results = new Results(seed);
		int next = 0;
		while (next < CASES && System.nanoTime() < deadline) {
			next = runChild(pristine, crashes, seed, next, results, deadline);
		}
		System.out.println(results.summary());
		assertThat(results.problems).as("reads that gave neither correct data nor a typed error" + results.context())
			.isEmpty();
		assertThat(results.cases).as("cases run within " + SECONDS + " s").isGreaterThanOrEqualTo(Math.min(CASES, 20));
		// The damage reaches both outcomes, so that the checks above check something.
		assertThat(results.count("TYPED")).as("typed errors").isPositive();
		assertThat(results.count("OK")).as("reads that were right despite the damage").isPositive();
	}

	/**
	 * Runs cases in one child until it ends, crashes or hangs.
	 * @return the next case to run
	 */
	private int runChild(Path pristine, Path crashes, long seed, int from, Results results, long deadline)
			throws Exception {
		List<String> options = List.of("-Xmx256m", "-XX:ErrorFile=" + crashes.resolve("hs_err_%p.log"),
				"-XX:-CreateCoredumpOnCrash");
		try (ChildJvm child = ChildJvm.start(DamagedStoreMain.class, this.dir.resolve("logs"), options,
				pristine.toString(), Files.createDirectories(this.dir.resolve("work")).toString(), Long.toString(seed),
				Integer.toString(from), Integer.toString(CASES))) {
			int current = from - 1;
			boolean inCase = false;
			String damage = "";
			while (true) {
				String line = child.poll(CASE_TIMEOUT);
				if (line == null) {
					results.problem(current, "hung for " + CASE_TIMEOUT + " (" + damage + ")");
					child.kill();
					return current + 1;
				}
				if (line.equals(ChildJvm.ENDED)) {
					int exit = child.waitFor(CASE_TIMEOUT);
					if (!inCase) {
						throw new AssertionError("The child ended with " + exit + " between cases" + child.describe());
					}
					results.crashed(current, damage, crashReport(crashes, child.pid()), child.describe());
					return current + 1;
				}
				String[] parts = line.split(" ", 4);
				if (parts[0].equals("CASE") && parts[2].equals("START")) {
					current = Integer.parseInt(parts[1]);
					inCase = true;
					damage = "";
				}
				else if (parts[0].equals("CASE") && parts[2].equals("DAMAGE")) {
					damage = parts[3];
				}
				else if (parts[0].equals("CASE") && parts[2].equals("END")) {
					results.cases++;
					inCase = false;
					if (current + 1 >= CASES || System.nanoTime() > deadline) {
						return current + 1;
					}
				}
				else if (parts[0].equals("OP")) {
					results.outcome(current, damage, parts[2], parts[3]);
				}
			}
		}
	}

	private static Optional<String> crashReport(Path crashes, long pid) throws IOException {
		Path report = crashes.resolve("hs_err_" + pid + ".log");
		if (!Files.exists(report)) {
			return Optional.empty();
		}
		return Optional.of(Files.readString(report));
	}

	/** What the cases gave. */
	private static final class Results {

		private static final Pattern EVENT_POSITION = Pattern.compile("event at position \\d+");

		/**
		 * LMDB checks its pages with assertions that abort the process when they fail.
		 */
		private static final Pattern LMDB_ASSERTION = Pattern
			.compile("mdb\\.c:\\d+: Assertion '[^']*' failed in mdb_\\w+");

		private final long seed;

		private final Map<String, Integer> counts = new TreeMap<>();

		private final List<String> problems = new ArrayList<>();

		private final List<String> tolerated = new ArrayList<>();

		private int cases;

		Results(long seed) {
			this.seed = seed;
		}

		void outcome(int number, String damage, String read, String outcome) {
			String kind = outcome.split(" ", 2)[0];
			this.counts.merge(kind, 1, Integer::sum);
			String where = "case " + number + " (" + damage + ") " + read + ": " + outcome;
			switch (kind) {
				case "OK" -> {
				}
				case "WRONG" -> this.tolerated.add("undetectable without checksums: " + where);
				case "TYPED" -> {
					// Damage found in the store names the file; damage found later, when
					// an
					// event's fields are decoded, names the event's position.
					if (outcome.startsWith("TYPED io.varve.CorruptDataException") && !outcome.contains("data.mdb")
							&& !EVENT_POSITION.matcher(outcome).find()) {
						this.problems.add("a CorruptDataException that names neither file nor position: " + where);
					}
				}
				default -> this.problems.add(where);
			}
		}

		/**
		 * A crash in LMDB's native code is out of Varve's reach (LMDB trusts the page
		 * numbers in its file); one anywhere else is a bug.
		 */
		void crashed(int number, String damage, Optional<String> report, String child) {
			this.cases++;
			Matcher assertion = LMDB_ASSERTION.matcher(child);
			boolean asserted = assertion.find();
			String frame = asserted ? "LMDB's abort on its assertion " + assertion.group()
					: report.flatMap(Results::problematicFrame).orElse("(no crash report)");
			String where = "case " + number + " (" + damage + ") crashed the JVM in " + frame;
			if (asserted || frame.contains("lmdbjava-native") || frame.contains(" mdb_")) {
				this.counts.merge("CRASH-IN-LMDB", 1, Integer::sum);
				this.tolerated.add(where);
			}
			else {
				this.counts.merge("CRASH", 1, Integer::sum);
				this.problems.add(where + child);
			}
		}

		void problem(int number, String what) {
			this.counts.merge("HANG", 1, Integer::sum);
			this.problems.add("case " + number + " " + what);
		}

		private static Optional<String> problematicFrame(String report) {
			try (Stream<String> lines = report.lines()) {
				List<String> all = lines.toList();
				for (int i = 0; i < all.size() - 1; i++) {
					if (all.get(i).startsWith("# Problematic frame:")) {
						return Optional.of(all.get(i + 1).substring(1).trim());
					}
				}
			}
			return Optional.empty();
		}

		int count(String kind) {
			return this.counts.getOrDefault(kind, 0);
		}

		String summary() {
			StringBuilder text = new StringBuilder("Corruption fuzz (-Dvarve.corruption.seed=" + this.seed + "): "
					+ this.cases + " damaged copies, reads " + this.counts);
			this.tolerated.forEach((line) -> text.append("\n  tolerated: ").append(line));
			this.problems.forEach((line) -> text.append("\n  PROBLEM: ").append(line));
			return text.toString();
		}

		String context() {
			return " (-Dvarve.corruption.seed=" + this.seed + ")";
		}

	}

}

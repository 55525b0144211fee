package io.varve.core.processor;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.varve.StreamInfo;
import io.varve.Varve;
import io.varve.core.DefaultVarve;
import io.varve.core.processor.TestEvents.Deposited;
import io.varve.processor.ProcessorRegistry;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kills a child JVM with SIGKILL while its processors work, a few times, and checks that
 * the projection counted every event exactly once and the side-effect processor saw every
 * event at least once.
 *
 * <p>
 * What makes it deterministic: the child checks the projection against the checkpoint at
 * every commit boundary (a kill can only leave the store at one), and the kills land at
 * points the child signals: inside a handler in the middle of a batch, and right on a
 * commit boundary, from which the next run must resume exactly.
 */
class ProcessorCrashTest {

	private static final int ROUNDS = 4;

	@TempDir
	Path dir;

	@Test
	@Timeout(value = 3, unit = TimeUnit.MINUTES)
	void projectionStateIsExactlyOnceAndSideEffectsAtLeastOnceAcrossKillsMidBatchAndOnCommits() throws Exception {
		Path store = this.dir.resolve("store");
		Path effects = this.dir.resolve("effects.txt");
		List<Long> resumedAt = new ArrayList<>();
		long committedAtKill = -1;
		for (int round = 0; round < ROUNDS; round++) {
			CrashChild.Mode mode = (round % 2 == 0) ? CrashChild.Mode.BLOCK : CrashChild.Mode.COMMIT;
			Process child = startChild(store, effects, mode);
			try (BufferedReader out = new BufferedReader(
					new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
				String line = out.readLine();
				assertThat(line).as("child output, see " + this.dir.resolve("child.err")).startsWith("RESUME ");
				long resume = Long.parseLong(line.substring(7));
				resumedAt.add(resume);
				if (committedAtKill >= 0) {
					assertThat(resume).as("checkpoint after a kill on the commit that stored " + committedAtKill)
						.isEqualTo(committedAtKill);
				}
				committedAtKill = -1;
				String wanted = (mode == CrashChild.Mode.BLOCK) ? "MIDBATCH " : "COMMITTED ";
				while ((line = out.readLine()) != null && !line.startsWith(wanted)) {
					assertThat(line).as("checkpoint and projection at a commit boundary").doesNotStartWith("SPLIT");
				}
				assertThat(line).as("child's output ended before its kill point, see " + this.dir.resolve("child.err"))
					.startsWith(wanted);
				if (mode == CrashChild.Mode.COMMIT) {
					committedAtKill = Long.parseLong(line.substring(wanted.length()));
				}
				child.destroyForcibly();
				assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
			}
			finally {
				child.destroyForcibly();
			}
		}
		// No round went back (a round killed in its first batch resumes where it did).
		assertThat(resumedAt).isSorted();
		try (Varve varve = Varve.builder().path(store).eventTypes(Deposited.class).open()) {
			List<String> splits = Collections.synchronizedList(new ArrayList<>());
			CrashChild.checkEveryCommit((DefaultVarve) varve, splits::add, (checkpoint) -> false);
			ProcessorRegistry processors = varve.processors();
			processors.register(CrashChild.counter(CrashChild.Mode.QUIET).build());
			processors.register(CrashChild.sideEffects(effects));
			assertThat(processors.status("counter").checkpoint()).as("checkpoint after the last kill")
				.isEqualTo(committedAtKill);
			processors.startAll();
			long head = varve.headPosition();
			processors.awaitProcessed("counter", head, Duration.ofSeconds(60));
			processors.awaitProcessed("mailer", head, Duration.ofSeconds(60));
			processors.stopAll();
			assertThat(splits).as("checkpoint and projection at commit boundaries").isEmpty();
			var projections = processors.projections();
			assertThat(projections.get(CrashChild.COUNTS, CrashChild.TOTAL, Long.class)).contains(head);
			for (StreamInfo stream : varve.listStreams("account-", null, 100)) {
				assertThat(projections.get(CrashChild.COUNTS, stream.stream(), Long.class))
					.as("count of " + stream.stream())
					.contains(stream.version());
			}
			Set<Long> seen = Files.readAllLines(effects)
				.stream()
				.filter((text) -> !text.isEmpty())
				.map(Long::parseLong)
				.collect(Collectors.toSet());
			for (long position = 1; position <= head; position++) {
				assertThat(seen).as("side effect of position " + position).contains(position);
			}
		}
	}

	private Process startChild(Path store, Path effects, CrashChild.Mode mode) throws Exception {
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		ProcessBuilder builder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
				CrashChild.class.getName(), store.toString(), effects.toString(), mode.name());
		builder.redirectError(ProcessBuilder.Redirect.appendTo(this.dir.resolve("child.err").toFile()));
		return builder.start();
	}

}

package io.varve.core.processor;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.varve.StreamInfo;
import io.varve.Varve;
import io.varve.core.processor.TestEvents.Deposited;
import io.varve.processor.ProcessorRegistry;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kills a child JVM with SIGKILL while its processors work, a few times, and checks that
 * the projection counted every event exactly once and the side-effect processor saw every
 * event at least once.
 */
class ProcessorCrashTest {

	private static final int ROUNDS = 4;

	@TempDir
	Path dir;

	@Test
	@Timeout(value = 3, unit = TimeUnit.MINUTES)
	void projectionStateIsExactlyOnceAndSideEffectsAtLeastOnceAcrossKillsMidBatch() throws Exception {
		Path store = this.dir.resolve("store");
		Path effects = this.dir.resolve("effects.txt");
		List<Long> resumedAt = new ArrayList<>();
		for (int round = 0; round < ROUNDS; round++) {
			boolean block = round % 2 == 0;
			Process child = startChild(store, effects, block);
			try (BufferedReader out = new BufferedReader(
					new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
				String line = out.readLine();
				assertThat(line).as("child output, see " + this.dir.resolve("child.err")).startsWith("RESUME ");
				long resume = Long.parseLong(line.substring(7));
				resumedAt.add(resume);
				// Blocking rounds die inside a handler, in the middle of a batch whose
				// earlier events have buffered writes; the others wherever they are once
				// 300 more events are handled.
				String wanted = block ? "MIDBATCH " : "AT ";
				while ((line = out.readLine()) != null) {
					if (line.startsWith(wanted) && (block || Long.parseLong(line.substring(3)) >= resume + 300)) {
						break;
					}
				}
				assertThat(line).as("child reached its kill point").isNotNull();
				child.destroyForcibly();
				assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
			}
			finally {
				child.destroyForcibly();
			}
		}
		// Each round got further than the last.
		assertThat(resumedAt).isSorted();
		try (Varve varve = Varve.builder().path(store).eventTypes(Deposited.class).open()) {
			ProcessorRegistry processors = varve.processors();
			processors.register(CrashChild.counter(CrashChild.Mode.QUIET).build());
			processors.register(CrashChild.sideEffects(effects));
			processors.startAll();
			long head = varve.headPosition();
			processors.awaitProcessed("counter", head, Duration.ofSeconds(60));
			processors.awaitProcessed("mailer", head, Duration.ofSeconds(60));
			processors.stopAll();
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

	private Process startChild(Path store, Path effects, boolean block) throws Exception {
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		ProcessBuilder builder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
				CrashChild.class.getName(), store.toString(), effects.toString(),
				(block ? CrashChild.Mode.BLOCK : CrashChild.Mode.PROGRESS).name());
		builder.redirectError(ProcessBuilder.Redirect.appendTo(this.dir.resolve("child.err").toFile()));
		return builder.start();
	}

}

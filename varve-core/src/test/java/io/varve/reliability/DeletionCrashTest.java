package io.varve.reliability;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.varve.ExpectedVersion;
import io.varve.RecordedEvent;
import io.varve.StreamDeletedException;
import io.varve.StreamInfo;
import io.varve.Varve;
import io.varve.core.verify.StoreCheck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * SIGKILL while streams are appended to, deleted, truncated and trimmed by retention:
 * after each kill, every acknowledged append that no deletion covers is there, every
 * acknowledged deletion is whole, none is half done (each stream's stored versions are
 * one contiguous run agreeing with its head, checked by {@link StoreCheck}), and the
 * store takes appends and deletions again.
 */
class DeletionCrashTest {

	/** Kill rounds in CI; -Dvarve.deletion.rounds for a longer run. */
	static final int ROUNDS = Integer.getInteger("varve.deletion.rounds", 6);

	private static final Duration STEP_TIMEOUT = Duration.ofSeconds(60);

	@TempDir
	Path dir;

	@Test
	void aKillDuringDeletionsLosesNothingAcknowledgedAndLeavesNoHalfDeletedStream() throws Exception {
		long seed = Long.getLong("varve.crash.seed", System.nanoTime());
		Random random = new Random(seed);
		int deletionsSeen = 0;
		for (int round = 0; round < ROUNDS; round++) {
			Path store = this.dir.resolve("store-" + (round / 3));
			String context = "round " + round + " (-Dvarve.crash.seed=" + seed + ")";
			Path record = this.dir.resolve("round-" + round + ".lines");
			try (ChildJvm child = ChildJvm.start(DeletionCrashMain.class, this.dir.resolve("logs"), store.toString(),
					Integer.toString(round), Long.toString(random.nextLong()), record.toString())) {
				child.await("READY", STEP_TIMEOUT);
				child.await((line) -> line.startsWith("D ") || line.startsWith("T "), STEP_TIMEOUT);
				// Kill at a random moment while all four kinds of writes are flowing.
				Thread.sleep(random.nextInt(300));
				child.kill();
			}
			// The child's own record: each line written before the call it announces.
			List<String> lines = java.nio.file.Files.readAllLines(record);
			deletionsSeen += check(store, lines, context);
		}
		assertThat(deletionsSeen).as("deletions acknowledged before the kills").isPositive();
	}

	private int check(Path store, List<String> lines, String context) {
		Map<String, Long> appended = new HashMap<>();
		Map<String, Long> truncatedBefore = new HashMap<>();
		Set<String> deleted = new HashSet<>();
		Set<String> mayBeTouched = new HashSet<>();
		int deletions = 0;
		for (String line : lines) {
			String[] parts = line.split(" ");
			if (!line.endsWith(" .") || parts.length < 3) {
				continue;
			}
			switch (parts[0]) {
				case "A" -> appended.merge(parts[1], Long.parseLong(parts[2]), Math::max);
				case "D" -> {
					deleted.add(parts[1]);
					deletions++;
				}
				case "T" -> {
					truncatedBefore.merge(parts[1], Long.parseLong(parts[2]), Math::max);
					deletions++;
				}
				case "d", "t" -> mayBeTouched.add(parts[1]);
				default -> {
				}
			}
		}
		try (Varve varve = Varve.open(store)) {
			assertThat(StoreCheck.run(varve).breaches()).as(context).isEmpty();
			for (Map.Entry<String, Long> entry : appended.entrySet()) {
				String stream = entry.getKey();
				long version = entry.getValue();
				List<RecordedEvent> events = varve.readStream(stream, 1, 100_000);
				if (deleted.contains(stream)) {
					assertThat(events).as(context + ": deleted " + stream).isEmpty();
					assertThat(varve.streamInfo(stream)).as(context).isEmpty();
					assertThatExceptionOfType(StreamDeletedException.class).as(context)
						.isThrownBy(() -> varve.append(stream, ExpectedVersion.any(), new CrashEvent(1, "again")));
					continue;
				}
				StreamInfo info = varve.streamInfo(stream).orElse(null);
				if (info == null) {
					// Only a deletion sent but not acknowledged may have taken it.
					assertThat(mayBeTouched).as(context + ": " + stream + " is gone").contains(stream);
					continue;
				}
				assertThat(info.version()).as(context + ": version of " + stream).isGreaterThanOrEqualTo(version);
				if (stream.startsWith("ret-")) {
					// Retention may trim it at any time; its head never goes back.
					continue;
				}
				long first = truncatedBefore.getOrDefault(stream, 1L);
				if (!mayBeTouched.contains(stream)) {
					assertThat(events).as(context + ": " + stream)
						.extracting(RecordedEvent::version)
						.containsExactlyElementsOf(
								java.util.stream.LongStream.rangeClosed(first, version).boxed().toList());
				}
				else {
					// A deletion may have happened unseen: what is left is the newest
					// events.
					assertThat(events).as(context + ": " + stream).allMatch((event) -> event.version() >= first);
					if (!events.isEmpty()) {
						assertThat(events.get(events.size() - 1).version()).isEqualTo(info.version());
					}
				}
			}
		}
		return deletions;
	}

}

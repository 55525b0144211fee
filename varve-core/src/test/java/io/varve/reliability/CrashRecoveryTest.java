package io.varve.reliability;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.varve.Durability;
import io.varve.RecordedEvent;
import io.varve.Varve;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kills a writing process with SIGKILL at random moments and checks that the store it
 * leaves behind holds every event that process had acknowledged, exactly as appended,
 * with all invariants intact. Rounds accumulate in one store (a new store every
 * {@value #ROUNDS_PER_STORE} rounds), so that recovery is also tested on stores that
 * already went through crashes, grew, and reopened.
 *
 * <p>
 * CI runs {@value #CI_ROUNDS} rounds with durable commits plus a few rounds of each
 * relaxed mode (a process crash loses nothing in any mode). A longer run:
 * {@code -Dvarve.crash.rounds=500}; {@code -Dvarve.crash.seed=N} repeats a run.
 */
class CrashRecoveryTest {

	static final int CI_ROUNDS = 20;

	static final int ROUNDS_PER_STORE = 10;

	private static final Duration STEP_TIMEOUT = Duration.ofSeconds(60);

	@TempDir
	Path dir;

	@Test
	void everyAcknowledgedDurableAppendSurvivesSigkillAtRandomMoments() throws Exception {
		int rounds = Integer.getInteger("varve.crash.rounds", CI_ROUNDS);
		crashRounds(rounds, Durability.SYNC);
	}

	@Test
	void relaxedDurabilityModesLoseNothingWhenOnlyTheProcessCrashes() throws Exception {
		crashRounds(3, Durability.NO_META_SYNC);
		crashRounds(3, Durability.NO_SYNC);
	}

	private void crashRounds(int rounds, Durability durability) throws Exception {
		long seed = Long.getLong("varve.crash.seed", System.nanoTime());
		Random random = new Random(seed);
		int acknowledgedTotal = 0;
		for (int round = 0; round < rounds; round++) {
			Path store = this.dir.resolve(durability + "-" + (round / ROUNDS_PER_STORE));
			String context = "round " + round + " (" + durability + ", -Dvarve.crash.seed=" + seed + ")";
			List<Acknowledged> acknowledged = runAndKill(store, round, random, durability, context);
			acknowledgedTotal += acknowledged.size();
			checkRecovered(store, acknowledged, context);
		}
		assertThat(acknowledgedTotal).as("events acknowledged before the kills, over all rounds").isPositive();
	}

	private List<Acknowledged> runAndKill(Path store, int round, Random random, Durability durability, String context)
			throws Exception {
		try (ChildJvm child = ChildJvm.start(CrashAppenderMain.class, this.dir.resolve("logs"), store.toString(),
				Integer.toString(round), "4", Long.toString(random.nextLong()), durability.name())) {
			child.await("READY", STEP_TIMEOUT);
			// Most rounds kill while appends are flowing; some right after the store
			// opened.
			if (random.nextInt(5) != 0) {
				child.await("E ", STEP_TIMEOUT);
			}
			long killAfterMillis = random.nextInt(400);
			Thread.sleep(killAfterMillis);
			child.kill();
			List<Acknowledged> acknowledged = new ArrayList<>();
			for (String line : child.lines()) {
				Acknowledged parsed = Acknowledged.parse(line);
				if (parsed != null) {
					acknowledged.add(parsed);
				}
			}
			return acknowledged;
		}
	}

	private void checkRecovered(Path store, List<Acknowledged> acknowledged, String context) {
		try (Varve varve = Varve.open(store)) {
			StoreVerifier.Contents contents = StoreVerifier.verify(varve);
			Map<UUID, StoreVerifier.Stored> byId = contents.byId();
			for (Acknowledged ack : acknowledged) {
				StoreVerifier.Stored stored = byId.get(ack.id());
				assertThat(stored).as("%s: acknowledged event %s", context, ack.id()).isNotNull();
				assertThat(stored.position()).as("%s: position of %s", context, ack.id()).isEqualTo(ack.position());
				assertThat(stored.stream()).as("%s: stream of %s", context, ack.id()).isEqualTo(ack.stream());
				assertThat(stored.version()).as("%s: version of %s", context, ack.id()).isEqualTo(ack.version());
				Optional<RecordedEvent> event = varve.readEvent(ack.position());
				assertThat(event).isPresent();
				assertThat(event.get().dataAs(CrashEvent.class)).as("%s: content of %s", context, ack.id())
					.isEqualTo(CrashEvent.of(ack.seq(), ack.length()));
				if (ack.hasMetadata()) {
					Object seq = event.get().metadata().get("seq");
					assertThat(seq).isInstanceOf(Number.class);
					assertThat(((Number) seq).longValue()).isEqualTo(ack.seq());
				}
				else {
					assertThat(event.get().hasMetadata()).isFalse();
				}
			}
			// Events written but not yet acknowledged when the kill came may be there
			// too;
			// they must be whole events of the child's own making.
			for (StoreVerifier.Stored stored : contents.events()) {
				RecordedEvent event = varve.readEvent(stored.position()).orElseThrow();
				CrashEvent data = event.dataAs(CrashEvent.class);
				assertThat(data).isEqualTo(CrashEvent.of(data.seq(), data.text().length()));
			}
		}
	}

	/** One acknowledged event as the child printed it. */
	record Acknowledged(UUID id, String stream, long version, long position, long seq, int length,
			boolean hasMetadata) {

		static Acknowledged parse(String line) {
			String[] parts = line.split(" ");
			if (parts.length != 9 || !parts[0].equals("E") || !parts[8].equals(".")) {
				return null;
			}
			return new Acknowledged(UUID.fromString(parts[1]), parts[2], Long.parseLong(parts[3]),
					Long.parseLong(parts[4]), Long.parseLong(parts[5]), Integer.parseInt(parts[6]),
					Boolean.parseBoolean(parts[7]));
		}

	}

}

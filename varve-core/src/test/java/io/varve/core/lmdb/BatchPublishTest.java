package io.varve.core.lmdb;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.varve.AppendResult;
import io.varve.ExpectedVersion;
import io.varve.RecordedEvent;
import io.varve.StorageException;
import io.varve.Varve;
import io.varve.core.DefaultVarve;
import io.varve.core.verify.StoreCheck;
import io.varve.testing.LoggedWarnings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * A batch of acknowledged groups whose LMDB commit fails: its groups are safe in the
 * journal, and are brought into the tables from there before anything else is written.
 */
class BatchPublishTest {

	record Noted(String stream, int index) {
	}

	record Padded(int index, String padding) {
	}

	private static final long MAP_SIZE = 4L << 20;

	@TempDir
	Path dir;

	@Test
	void aBatchWhoseCommitFailsIsBroughtInFromTheJournalAndNothingIsLost() throws Exception {
		Path store = this.dir.resolve("store");
		try (DefaultVarve varve = (DefaultVarve) Varve.builder().path(store).eventTypes(Noted.class).open()) {
			LmdbStorageEngine engine = (LmdbStorageEngine) varve.storage();
			varve.groupWriter().publishInterval(Duration.ofHours(1));
			// Queued appends, so that the writer commits them into one open batch.
			List<CompletableFuture<AppendResult>> appended = new ArrayList<>();
			for (int i = 0; i < 40; i++) {
				appended
					.add(varve.appendAsync("s-" + (i % 4), ExpectedVersion.exact(i / 4), new Noted("s-" + (i % 4), i)));
			}
			for (CompletableFuture<AppendResult> future : appended) {
				future.get(10, TimeUnit.SECONDS);
			}
			engine.failNextPublish(new StorageException("injected: LMDB refused the batch's commit"));

			// The read asks for the batch; its commit fails, and the journal brings it
			// in.
			List<RecordedEvent> all = varve.readAll(1, 100);
			assertThat(all).hasSize(40);
			assertThat(all).extracting(RecordedEvent::position).containsExactlyElementsOf(positions(1, 40));
			assertThat(engine.batchLost()).isFalse();
			for (int i = 0; i < 40; i++) {
				assertThat(all.get(i).dataAs(Noted.class)).isEqualTo(new Noted("s-" + (i % 4), i));
			}
			// Writing goes on from where the journal left the tables.
			assertThat(varve.append("s-0", ExpectedVersion.exact(10), new Noted("s-0", 40)).firstPosition())
				.isEqualTo(41);
		}
		try (Varve reopened = Varve.builder().path(store).eventTypes(Noted.class).open()) {
			assertThat(reopened.headPosition()).isEqualTo(41);
			assertThat(reopened.readStream("s-0", 1, 100)).hasSize(11);
			assertThat(StoreCheck.run(reopened).breaches()).isEmpty();
		}
	}

	/**
	 * The replay of a failed batch grows the map (its first try finds the map full: a
	 * test hook, since a replay in one transaction takes about the room the batch took)
	 * while a checkpoint has begun: the checkpoint holds the map while it waits for the
	 * write lock, and growing waits for everyone holding the map. The replay must not
	 * hold the write lock (then neither could go on); the checkpoint takes it and
	 * refuses, since the journal must keep the lost batch's records.
	 */
	@Test
	void aCheckpointDuringTheReplayOfAFailedBatchDoesNotBlockTheReplayFromGrowingTheMap() throws Exception {
		Path store = this.dir.resolve("store");
		String padding = "p".repeat(3000);
		int events = 200;
		// A deadlock would hang the store's close too: the test gives up on it.
		assertTimeoutPreemptively(Duration.ofSeconds(60), () -> replayGrowingTheMap(store, padding, events));
		assertReopensWhole(store, events);
	}

	private static void replayGrowingTheMap(Path store, String padding, int events) throws Exception {
		try (DefaultVarve varve = openInSmallMap(store)) {
			LmdbStorageEngine engine = (LmdbStorageEngine) varve.storage();
			varve.groupWriter().publishInterval(Duration.ofHours(1));
			// One append at a time: each is a group of its own in the batch, and a
			// journal record of its own to replay.
			for (int i = 0; i < events; i++) {
				varve.append("s-" + (i % 4), ExpectedVersion.exact(i / 4), new Padded(i, padding));
			}
			assertThat(engine.currentStats().mapSize()).as("map size before the batch's commit").isEqualTo(MAP_SIZE);
			AtomicBoolean grewInReplay = new AtomicBoolean();
			AtomicReference<Throwable> checkpointOutcome = new AtomicReference<>();
			engine.beforeGrow(() -> {
				if (!engine.batchLost() || !grewInReplay.compareAndSet(false, true)) {
					return;
				}
				Thread checkpoint = new Thread(() -> {
					try {
						engine.checkpoints().checkpoint(false);
						checkpointOutcome.set(new AssertionError("the checkpoint did not refuse"));
					}
					catch (Throwable ex) {
						checkpointOutcome.set(ex);
					}
				}, "test-checkpoint");
				checkpoint.start();
				// On until the checkpoint is over, or holds the map and waits for the
				// write lock (as the one that deadlocked did).
				while (checkpoint.isAlive() && !engine.writeLock().hasQueuedThread(checkpoint)) {
					Thread.onSpinWait();
				}
			});
			engine.failNextPublish(new StorageException("injected: LMDB refused the batch's commit"));
			engine.fillMapAtNextReplay();

			List<RecordedEvent> all = varve.readAll(1, 1000);
			assertThat(grewInReplay).as("the replay grew the map").isTrue();
			assertThat(checkpointOutcome.get()).isInstanceOf(Checkpoints.BatchNotInTables.class)
				.hasMessageContaining("are only in its journal");
			assertThat(all).extracting(RecordedEvent::position).containsExactlyElementsOf(positions(1, events));
			assertThat(engine.batchLost()).isFalse();
			engine.beforeGrow(null);
		}
	}

	/**
	 * While the writer brings a failed batch back from the journal (here: its replay
	 * grows the map, held there by a test hook), the checkpoint thread's tries are
	 * refused. That is no failure to warn about, and with the journal past the size that
	 * calls for a checkpoint at once, the thread must still wait its interval between
	 * tries instead of spinning on the write lock.
	 */
	@Test
	void whileAFailedBatchIsBroughtBackTheCheckpointThreadWaitsBetweenTriesAndWarnsOfNothing() throws Exception {
		Path store = this.dir.resolve("store");
		int events = 50;
		List<String> warnings = LoggedWarnings.whileRunning(Checkpoints.class, () -> {
			try (DefaultVarve varve = openInSmallMap(store)) {
				LmdbStorageEngine engine = (LmdbStorageEngine) varve.storage();
				Checkpoints checkpoints = engine.checkpoints();
				varve.groupWriter().publishInterval(Duration.ofHours(1));
				for (int i = 0; i < events; i++) {
					varve.append("s-" + (i % 4), ExpectedVersion.exact(i / 4), new Padded(i, "p".repeat(1000)));
				}
				AtomicBoolean held = new AtomicBoolean();
				AtomicLong gapNanos = new AtomicLong(-1);
				engine.beforeGrow(() -> {
					if (!engine.batchLost() || !held.compareAndSet(false, true)) {
						return;
					}
					long before = checkpoints.deferrals();
					// As if the journal had taken enough since the last checkpoint to
					// call
					// for the next at once: the thread is woken and tries.
					checkpoints.written((int) Checkpoints.JOURNAL_BYTES);
					long first = awaitDeferrals(checkpoints, before + 1);
					long second = awaitDeferrals(checkpoints, before + 2);
					gapNanos.set(second - first);
				});
				engine.failNextPublish(new StorageException("injected: LMDB refused the batch's commit"));
				engine.fillMapAtNextReplay();

				List<RecordedEvent> all = varve.readAll(1, 1000);
				engine.beforeGrow(null);
				assertThat(held).as("the replay grew the map").isTrue();
				assertThat(all).extracting(RecordedEvent::position).containsExactlyElementsOf(positions(1, events));
				assertThat(Duration.ofNanos(gapNanos.get())).as("time between two refused tries")
					.isGreaterThanOrEqualTo(Duration.ofMillis(Checkpoints.INTERVAL_MILLIS / 2));
				// Once the batch is back, checkpoints are taken again.
				assertThat(engine.batchLost()).isFalse();
				assertThat(checkpoints.checkpointIfBehind()).isTrue();
			}
		});
		assertThat(warnings).as("warnings of the checkpoint thread").isEmpty();
		assertReopensWhole(store, events);
	}

	/**
	 * Waits (polling) until the checkpoint thread has had this many tries refused.
	 * @return when it saw them
	 */
	private static long awaitDeferrals(Checkpoints checkpoints, long count) {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
		while (checkpoints.deferrals() < count) {
			if (System.nanoTime() > deadline) {
				throw new AssertionError("the checkpoint thread made no try within 20 s");
			}
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
		}
		return System.nanoTime();
	}

	/** A store of padded events in a small map that may grow. */
	private static DefaultVarve openInSmallMap(Path store) {
		return (DefaultVarve) Varve.builder()
			.path(store)
			.mapSize(MAP_SIZE)
			.maxMapSize(256L << 20)
			.eventTypes(Padded.class)
			.open();
	}

	/** Opened again, the store holds every event and passes its check. */
	private static void assertReopensWhole(Path store, long events) {
		try (Varve reopened = Varve.builder().path(store).eventTypes(Padded.class).open()) {
			assertThat(reopened.headPosition()).isEqualTo(events);
			assertThat(StoreCheck.run(reopened).breaches()).isEmpty();
		}
	}

	private static List<Long> positions(long from, long to) {
		List<Long> positions = new ArrayList<>();
		for (long p = from; p <= to; p++) {
			positions.add(p);
		}
		return positions;
	}

}

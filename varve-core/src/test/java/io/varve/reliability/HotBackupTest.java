package io.varve.reliability;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.varve.ExpectedVersion;
import io.varve.InvalidArgumentException;
import io.varve.RecordedEvent;
import io.varve.Varve;
import io.varve.VarveClosedException;
import io.varve.core.DefaultVarve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link Varve#backup(Path)} copies a consistent snapshot while appends go on: the copy
 * opens as a store of its own, holds at least every event committed before the backup
 * began and nothing torn, and each of its events is byte for byte the original's.
 */
class HotBackupTest {

	@TempDir
	Path dir;

	@Test
	void aBackupTakenWhileAppendsContinueIsAConsistentPrefixOfTheStore() throws Exception {
		Path backup = this.dir.resolve("backup");
		long headBefore;
		long headAfter;
		StoreVerifier.Contents original;
		try (Varve varve = Varve.builder().path(this.dir.resolve("store")).mapSize(1024 * 1024).open()) {
			// Enough data that the copy takes a while, and a small map that must grow
			// while the copy holds its snapshot.
			for (int i = 0; i < 40; i++) {
				List<Object> batch = new ArrayList<>();
				for (int j = 0; j < 100; j++) {
					batch.add(Filler.of(j, (j % 3 == 0) ? 3000 : 200));
				}
				varve.append("seed-" + i, ExpectedVersion.noStream(), batch.toArray());
			}
			AtomicBoolean stop = new AtomicBoolean();
			AtomicReference<Throwable> failure = new AtomicReference<>();
			CountDownLatch flowing = new CountDownLatch(3);
			List<Thread> appenders = new ArrayList<>();
			for (int t = 0; t < 3; t++) {
				int thread = t;
				Thread appender = new Thread(() -> {
					try {
						for (int n = 0; n < 20_000 && !stop.get(); n++) {
							varve.append("live-" + thread + "-" + (n % 10), ExpectedVersion.any(),
									Filler.of(n, (n % 7 == 0) ? 5000 : 100), Filler.of(n, 20));
							if (n == 10) {
								flowing.countDown();
							}
						}
					}
					catch (Throwable ex) {
						failure.set(ex);
					}
				});
				appender.start();
				appenders.add(appender);
			}
			assertThat(flowing.await(60, TimeUnit.SECONDS)).as("appends flowing").isTrue();
			headBefore = varve.headPosition();
			varve.backup(backup);
			headAfter = varve.headPosition();
			stop.set(true);
			for (Thread appender : appenders) {
				appender.join();
			}
			assertThat(failure.get()).as("appends during the backup").isNull();
			original = StoreVerifier.verify(varve);
		}
		try (var files = Files.list(backup)) {
			assertThat(files.map((file) -> file.getFileName().toString())).containsExactly("data.mdb");
		}
		try (Varve copy = Varve.openReadOnly(backup)) {
			StoreVerifier.Contents copied = StoreVerifier.verify(copy);
			assertThat(copied.head()).as("events in the backup").isBetween(headBefore, headAfter);
			for (StoreVerifier.Stored event : copied.events()) {
				StoreVerifier.Stored same = original.events().get((int) event.position() - 1);
				assertThat(Arrays.equals(event.envelope(), same.envelope()))
					.as("event at position %s identical to the original", event.position())
					.isTrue();
			}
		}
	}

	@Test
	void aBackupHoldsEveryAcknowledgedAppendThoughTheWritersBatchIsNotPublished() throws Exception {
		Path backup = this.dir.resolve("backup");
		try (DefaultVarve varve = (DefaultVarve) Varve.open(this.dir.resolve("store"))) {
			varve.groupWriter().publishInterval(java.time.Duration.ofHours(1));
			// Queued, so that the writer commits them into its batch, and keeps it open.
			for (int i = 1; i <= 5; i++) {
				varve.appendAsync("s-1", ExpectedVersion.any(), Filler.of(i, 100)).get(10, TimeUnit.SECONDS);
			}
			varve.backup(backup);
		}
		try (Varve copy = Varve.openReadOnly(backup)) {
			assertThat(copy.headPosition()).isEqualTo(5);
			assertThat(copy.readStream("s-1", 1, 100)).extracting(RecordedEvent::version)
				.containsExactly(1L, 2L, 3L, 4L, 5L);
		}
	}

	@Test
	void restoringABackupIsOpeningItsDirectoryAsTheStore() throws Exception {
		Path store = this.dir.resolve("store");
		Path backup = this.dir.resolve("backups/monday");
		try (Varve varve = Varve.open(store)) {
			varve.append("order-1", ExpectedVersion.noStream(), Filler.of(1, 10), Filler.of(2, 10));
			varve.backup(backup);
			varve.append("order-1", ExpectedVersion.exact(2), Filler.of(3, 10));
		}
		// Restore: replace the store directory's data file by the backup's, then open.
		Files.copy(backup.resolve("data.mdb"), store.resolve("data.mdb"),
				java.nio.file.StandardCopyOption.REPLACE_EXISTING);
		Files.deleteIfExists(store.resolve("lock.mdb"));
		try (Varve restored = Varve.open(store)) {
			assertThat(restored.headPosition()).isEqualTo(2);
			assertThat(restored.streamInfo("order-1").orElseThrow().version()).isEqualTo(2);
			restored.append("order-1", ExpectedVersion.exact(2), Filler.of(3, 10));
			StoreVerifier.verify(restored);
		}
	}

	@Test
	void aBackupOfAReadOnlyStoreWorksToo() {
		Path store = this.dir.resolve("store");
		try (Varve varve = Varve.open(store)) {
			varve.append("order-1", ExpectedVersion.noStream(), Filler.of(1, 10));
		}
		try (Varve readOnly = Varve.openReadOnly(store)) {
			readOnly.backup(this.dir.resolve("backup"));
		}
		try (Varve copy = Varve.openReadOnly(this.dir.resolve("backup"))) {
			assertThat(copy.headPosition()).isEqualTo(1);
		}
	}

	@Test
	void aBackupIntoANonEmptyDirectoryIsRefusedAndWritesNothing() throws Exception {
		Path target = Files.createDirectories(this.dir.resolve("target"));
		Files.writeString(target.resolve("notes.txt"), "keep me");
		try (Varve varve = Varve.open(this.dir.resolve("store"))) {
			varve.append("order-1", ExpectedVersion.noStream(), Filler.of(1, 10));
			assertThatThrownBy(() -> varve.backup(target)).isInstanceOf(InvalidArgumentException.class)
				.hasMessageContaining("is not empty")
				.hasMessageContaining("give an empty or new directory");
			assertThatThrownBy(() -> varve.backup(null)).isInstanceOf(InvalidArgumentException.class);
		}
		try (var files = Files.list(target)) {
			assertThat(files.map((file) -> file.getFileName().toString())).containsExactly("notes.txt");
		}
	}

	@Test
	void aClosedStoreRefusesToBackUp() {
		Varve varve = Varve.open(this.dir.resolve("store"));
		varve.close();
		assertThatThrownBy(() -> varve.backup(this.dir.resolve("backup"))).isInstanceOf(VarveClosedException.class)
			.hasMessageContaining("open it again");
		assertThat(this.dir.resolve("backup")).doesNotExist();
	}

}

package io.varve.reliability;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.varve.AppendResult;
import io.varve.Durability;
import io.varve.ExpectedVersion;
import io.varve.StoreLockedException;
import io.varve.Varve;
import io.varve.core.DefaultVarve;
import io.varve.core.durability.Flushes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * One writer per store: a second open in the same JVM or from another process fails fast
 * and says who holds the store, while read-only inspection from another process works and
 * follows the owner's commits, even after the owner grew the map.
 */
class SingleWriterTest {

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	@TempDir
	Path dir;

	@Test
	void aSecondOpenInTheSameJvmFailsFastUntilTheFirstCloses() {
		Path store = this.dir.resolve("store");
		try (Varve varve = Varve.open(store)) {
			varve.append("a-1", ExpectedVersion.noStream(), Filler.of(1, 10));
			assertThatThrownBy(() -> Varve.open(store)).isInstanceOf(StoreLockedException.class)
				.hasMessageContaining("already open in this JVM")
				.hasMessageContaining("share that Varve instance");
			// Another spelling of the same directory is the same store.
			assertThatThrownBy(() -> Varve.open(this.dir.resolve("x/../store")))
				.isInstanceOf(StoreLockedException.class);
			assertThatThrownBy(() -> Varve.openReadOnly(store)).isInstanceOf(StoreLockedException.class)
				.hasMessageContaining("already open in this JVM");
			assertThat(varve.headPosition()).isEqualTo(1);
		}
		try (Varve again = Varve.open(store)) {
			assertThat(again.headPosition()).isEqualTo(1);
		}
	}

	@Test
	void anotherProcessHoldingTheStoreMakesOpenFailWithItsPid() throws Exception {
		Path store = this.dir.resolve("store");
		try (ChildJvm owner = ChildJvm.start(StoreProcessMain.class, this.dir.resolve("logs"))) {
			owner.send("open " + store + " write");
			String opened = owner.await("OPENED", TIMEOUT);
			assertThat(opened).isEqualTo("OPENED " + owner.pid());
			assertThatThrownBy(() -> Varve.open(store)).isInstanceOf(StoreLockedException.class)
				.hasMessageContaining("open for writing by another process")
				.hasMessageContaining("pid " + owner.pid())
				.hasMessageContaining("Varve.openReadOnly(path)");
			// A killed owner leaves no lock behind.
			owner.kill();
		}
		try (Varve varve = Varve.open(store)) {
			assertThat(varve.headPosition()).isZero();
		}
	}

	@Test
	void aProcessThatHoldsTheStoreKeepsOthersOutUntilItExits() throws Exception {
		Path store = this.dir.resolve("store");
		try (Varve varve = Varve.open(store)) {
			varve.append("a-1", ExpectedVersion.noStream(), Filler.of(1, 10));
		}
		try (ChildJvm other = ChildJvm.start(StoreProcessMain.class, this.dir.resolve("logs"))) {
			try (Varve varve = Varve.open(store)) {
				other.send("open " + store + " write");
				assertThat(other.await("FAILED", TIMEOUT)).startsWith("FAILED StoreLockedException")
					.contains("pid " + ProcessHandle.current().pid());
			}
			other.send("open " + store + " write");
			other.await("OPENED", TIMEOUT);
			other.send("head");
			assertThat(other.await("HEAD", TIMEOUT)).isEqualTo("HEAD 1");
			other.send("exit");
			assertThat(other.waitFor(TIMEOUT)).isZero();
		}
	}

	@Test
	void aReadOnlyProcessFollowsTheOwnersCommitsAcrossMapGrowth() throws Exception {
		Path store = this.dir.resolve("store");
		try (Varve owner = Varve.builder().path(store).mapSize(1024 * 1024).open();
				ChildJvm inspector = ChildJvm.start(StoreProcessMain.class, this.dir.resolve("logs"))) {
			append(owner, 0, 20, 100);
			inspector.send("open " + store + " read");
			inspector.await("OPENED", TIMEOUT);
			inspector.send("verify");
			assertThat(inspector.await("VERIFIED", TIMEOUT)).isEqualTo("VERIFIED 20");
			inspector.send("append other-1 1 10");
			assertThat(inspector.await("FAILED", TIMEOUT)).startsWith("FAILED ReadOnlyStoreException")
				.contains("append through the process that owns it");

			// Grow the map several times over while the inspector keeps its smaller map.
			long mapBefore = owner.storeInfo().mapSize();
			append(owner, 20, 3000, 3000);
			assertThat(owner.storeInfo().mapSize()).as("owner's map after growing")
				.isGreaterThanOrEqualTo(8 * mapBefore);

			// What the owner acknowledged reaches other processes when published: a read
			// of its own publishes at once.
			assertThat(owner.readAll(owner.headPosition(), 1)).hasSize(1);
			inspector.send("head");
			assertThat(inspector.await("HEAD", TIMEOUT)).isEqualTo("HEAD " + owner.headPosition());
			inspector.send("verify");
			assertThat(inspector.await("VERIFIED", TIMEOUT)).isEqualTo("VERIFIED " + owner.headPosition());
			inspector.send("exit");
			assertThat(inspector.waitFor(TIMEOUT)).isZero();
		}
	}

	@Test
	void aReadOnlyProcessSeesAcknowledgedAppendsOnceTheOwnerPublishesThem() throws Exception {
		Path store = this.dir.resolve("store");
		try (DefaultVarve owner = (DefaultVarve) Varve.open(store);
				ChildJvm inspector = ChildJvm.start(StoreProcessMain.class, this.dir.resolve("logs"))) {
			owner.append("a-1", ExpectedVersion.noStream(), Filler.of(1, 10));
			assertThat(owner.readStream("a-1", 1, 100)).hasSize(1);
			inspector.send("open " + store + " read");
			inspector.await("OPENED", TIMEOUT);
			inspector.send("head");
			assertThat(inspector.await("HEAD", TIMEOUT)).isEqualTo("HEAD 1");

			// Acknowledged (in the journal) but held in the writer's batch: the owner
			// reads them at once; another process sees them once they are published.
			// (The first is queued, so the writer opens a batch for it; the second, a
			// lone caller's, commits into that batch on the caller's thread.)
			owner.groupWriter().publishInterval(Duration.ofHours(1));
			owner.appendAsync("a-1", ExpectedVersion.exact(1), Filler.of(2, 10)).get(10, TimeUnit.SECONDS);
			owner.append("a-2", ExpectedVersion.noStream(), Filler.of(3, 10));
			inspector.send("head");
			assertThat(inspector.await("HEAD", TIMEOUT)).isEqualTo("HEAD 1");
			assertThat(owner.readStream("a-2", 1, 100)).hasSize(1);
			inspector.send("head");
			assertThat(inspector.await("HEAD", TIMEOUT)).isEqualTo("HEAD 3");

			// Unasked, a batch is published when its interval is up.
			owner.groupWriter().publishInterval(Duration.ofMillis(20));
			owner.appendAsync("a-2", ExpectedVersion.exact(1), Filler.of(4, 10)).get(10, TimeUnit.SECONDS);
			owner.appendAsync("a-2", ExpectedVersion.exact(2), Filler.of(5, 10)).get(10, TimeUnit.SECONDS);
			String head = "";
			long deadline = System.nanoTime() + TIMEOUT.toNanos();
			while (!head.equals("HEAD 5") && System.nanoTime() < deadline) {
				inspector.send("head");
				head = inspector.await("HEAD", TIMEOUT);
			}
			assertThat(head).isEqualTo("HEAD 5");
			inspector.send("exit");
			assertThat(inspector.waitFor(TIMEOUT)).isZero();
		}
	}

	@Test
	void aReadOnlyProcessOpensCleanlyWhileTheOwnerIsCommitting() throws Exception {
		Path store = this.dir.resolve("store");
		try (Varve owner = Varve.builder().path(store).mapSize(1024 * 1024).open();
				ChildJvm inspector = ChildJvm.start(StoreProcessMain.class, this.dir.resolve("logs"))) {
			append(owner, 0, 10, 100);
			Semaphore commits = new Semaphore(0);
			((DefaultVarve) owner).groupWriter().addListener((commit) -> commits.release());
			AtomicBoolean stop = new AtomicBoolean();
			AtomicReference<Throwable> appendFailure = new AtomicReference<>();
			Thread appender = new Thread(() -> {
				try {
					for (int i = 10; !stop.get() && i < 1_000_000; i += 5) {
						append(owner, i, 5, (i % 3 == 0) ? 4000 : 200);
					}
				}
				catch (Throwable ex) {
					appendFailure.set(ex);
				}
			});
			appender.start();
			try {
				// Each open reads the data file's header while commits land. Commits are
				// serial and notified in order, so the second commit notified after the
				// drain was acknowledged after the previous round; the owner's read then
				// publishes its batch to other processes: each round sees more.
				long seen = 0;
				for (int round = 0; round < 15; round++) {
					commits.drainPermits();
					assertThat(commits.tryAcquire(2, TIMEOUT.toSeconds(), TimeUnit.SECONDS))
						.as("commits before round %s", round)
						.isTrue();
					assertThat(owner.headPosition()).as("owner's head before round %s", round).isGreaterThan(seen);
					inspector.send("open " + store + " read");
					inspector.await("OPENED", TIMEOUT);
					inspector.send("verify");
					String verified = inspector.await("VERIFIED", TIMEOUT);
					long read = Long.parseLong(verified.substring("VERIFIED ".length()));
					assertThat(read).as("events the inspector read in round %s", round).isGreaterThan(seen);
					seen = read;
					inspector.send("close");
					inspector.await("CLOSED", TIMEOUT);
				}
			}
			finally {
				stop.set(true);
				appender.join();
			}
			assertThat(appendFailure.get()).as("appends while the inspector opened").isNull();
			inspector.send("exit");
			assertThat(inspector.waitFor(TIMEOUT)).isZero();
		}
	}

	@Test
	void aReadOnlyProcessNeverSeesAGroupBeforeItsJournalRecordIsFlushed() throws Exception {
		Path store = this.dir.resolve("store");
		CountDownLatch flushing = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		AtomicBoolean armed = new AtomicBoolean();
		Flushes.observe(new Flushes.Observer() {
			@Override
			public void beforeFlush(Path file) {
				// Hold the armed group's journal flush: its append is not acknowledged
				// yet.
				if (file.getFileName().toString().startsWith("journal-") && armed.compareAndSet(true, false)) {
					flushing.countDown();
					try {
						release.await();
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
				}
			}

			@Override
			public void afterFlush(Path file) {
			}
		});
		try (Varve owner = Varve.builder().path(store).durability(Durability.SYNC).open();
				ChildJvm inspector = ChildJvm.start(StoreProcessMain.class, this.dir.resolve("logs"))) {
			append(owner, 0, 20, 100);
			inspector.send("open " + store + " read");
			inspector.await("OPENED", TIMEOUT);
			armed.set(true);
			CompletableFuture<AppendResult> held = owner.appendAsync("held-1", ExpectedVersion.noStream(),
					Filler.of(20, 100));
			assertThat(flushing.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).as("journal flush reached").isTrue();
			try {
				// Written to the journal and applied in the writer's transaction, not yet
				// flushed: no reader in this process or another may see it.
				assertThat(held).isNotDone();
				assertThat(owner.headPosition()).isEqualTo(20);
				assertThat(owner.readStream("held-1", 1, 10)).isEmpty();
				inspector.send("head");
				assertThat(inspector.await("HEAD", TIMEOUT)).isEqualTo("HEAD 20");
				inspector.send("verify");
				assertThat(inspector.await("VERIFIED", TIMEOUT)).isEqualTo("VERIFIED 20");
			}
			finally {
				release.countDown();
			}
			assertThat(held.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).lastPosition()).isEqualTo(21);
			// Acknowledged: visible at once here, and in the other process once the
			// owner's read has published its batch.
			assertThat(owner.headPosition()).isEqualTo(21);
			inspector.send("head");
			assertThat(inspector.await("HEAD", TIMEOUT)).isEqualTo("HEAD 21");
			inspector.send("verify");
			assertThat(inspector.await("VERIFIED", TIMEOUT)).isEqualTo("VERIFIED 21");
			inspector.send("exit");
			assertThat(inspector.waitFor(TIMEOUT)).isZero();
		}
		finally {
			release.countDown();
			Flushes.observe(null);
		}
	}

	private static void append(Varve varve, int from, int count, int size) {
		for (int i = from; i < from + count; i += 50) {
			List<Object> batch = new ArrayList<>();
			for (int j = i; j < Math.min(from + count, i + 50); j++) {
				batch.add(Filler.of(j, size));
			}
			varve.append("filler-" + (i % 5), ExpectedVersion.any(), batch.toArray());
		}
	}

}

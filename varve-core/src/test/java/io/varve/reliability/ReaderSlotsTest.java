package io.varve.reliability;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;
import org.junit.jupiter.api.io.TempDir;

import io.varve.ExpectedVersion;
import io.varve.RecordedEvent;
import io.varve.StorageException;
import io.varve.Varve;
import io.varve.core.DefaultVarve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Reads work from any thread, however many: pooled platform threads and thousands of
 * virtual threads share LMDB's bounded reader table by waiting briefly for a free slot
 * instead of failing, and slots left by a dead process are reclaimed at open.
 */
class ReaderSlotsTest {

	/** The smallest reader table Varve allows. */
	private static final int MAX_READERS = 8;

	/** What one process may hold of it: two entries are kept back for other uses. */
	private static final int SNAPSHOTS_PER_PROCESS = MAX_READERS - 2;

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	@TempDir
	Path dir;

	@Test
	void manyMorePlatformThreadsThanReaderSlotsAllReadSuccessfully() throws Exception {
		try (Varve varve = storeWithStreams(this.dir.resolve("store"), 20, 10)) {
			ExecutorService pool = Executors.newFixedThreadPool(64);
			try {
				List<Future<Integer>> results = new ArrayList<>();
				for (int task = 0; task < 640; task++) {
					int stream = task % 20;
					results.add(pool.submit(() -> readAndCheck(varve, stream)));
				}
				for (Future<Integer> result : results) {
					assertThat(result.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(10);
				}
			}
			finally {
				pool.shutdownNow();
			}
		}
	}

	@Test
	@EnabledForJreRange(min = JRE.JAVA_21)
	void thousandsOfVirtualThreadsReadAtOnce() throws Exception {
		// The default reader table: far fewer entries than threads.
		try (Varve varve = storeWithStreams(this.dir.resolve("store"), 50, 4, 256)) {
			// Java 21 API, reached by reflection because the code compiles for Java 17.
			ExecutorService executor = (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor")
				.invoke(null);
			try {
				List<Future<Integer>> results = new ArrayList<>();
				for (int task = 0; task < 5000; task++) {
					int stream = task % 50;
					results.add(executor.submit(() -> readAndCheck(varve, stream)));
				}
				for (Future<Integer> result : results) {
					assertThat(result.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(4);
				}
			}
			finally {
				executor.shutdownNow();
			}
		}
	}

	@Test
	void aReadWaitsForAFreeSnapshotAndProceedsWhenOneCloses() throws Exception {
		try (Varve varve = storeWithStreams(this.dir.resolve("store"), 1, 3)) {
			CountDownLatch release = new CountDownLatch(1);
			Holders holders = holdSnapshots((DefaultVarve) varve, SNAPSHOTS_PER_PROCESS, release);
			CompletableFuture<Integer> waiting = new CompletableFuture<>();
			Thread reader = new Thread(() -> complete(waiting, () -> readAndCheck(varve, 0)));
			reader.start();
			try {
				awaitParked(reader);
				assertThat(waiting).as("a read while every snapshot is taken").isNotDone();
			}
			finally {
				release.countDown();
			}
			assertThat(waiting.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(3);
			holders.join();
		}
	}

	@Test
	void aReadWaitsWhileAnotherProcessHoldsTheRestOfLmdbsReaderTable() throws Exception {
		Path store = this.dir.resolve("store");
		try (Varve varve = storeWithStreams(store, 1, 3);
				ChildJvm other = ChildJvm.start(StoreProcessMain.class, this.dir.resolve("logs"))) {
			CountDownLatch release = new CountDownLatch(1);
			Holders holders = fillTheTableWithAnotherProcess(varve, store, other, release);
			CompletableFuture<Integer> waiting = new CompletableFuture<>();
			Thread reader = new Thread(() -> complete(waiting, () -> readAndCheck(varve, 0)));
			try {
				reader.start();
				awaitParked(reader);
				assertThat(waiting).as("a read while the other process holds the rest of the table").isNotDone();
				// Released snapshots stay in the other process's pool, holding their
				// entries, until they have been idle for a while: the read waits for
				// that.
				other.send("release");
				other.await("RELEASED", TIMEOUT);
				assertThat(waiting.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(3);
			}
			finally {
				release.countDown();
			}
			holders.join();
			other.send("exit");
			assertThat(other.waitFor(TIMEOUT)).isZero();
		}
	}

	@Test
	void twoProcessesWithFarMoreReadersThanTableEntriesAllReadSuccessfully() throws Exception {
		Path store = this.dir.resolve("store");
		try (Varve varve = storeWithStreams(store, 20, 10);
				ChildJvm other = ChildJvm.start(StoreProcessMain.class, this.dir.resolve("logs"))) {
			other.send("open " + store + " read " + MAX_READERS);
			other.await("OPENED", TIMEOUT);
			// Each process may hold 6 of the table's 8 entries: together they overdraw
			// it.
			other.send("read-load 40 200");
			ReadLoad here = ReadLoad.run(varve, 40, 200);
			String there = other.await("READ-LOAD", TIMEOUT.multipliedBy(4));
			assertThat(here.failures()).as("failed reads in this process").isEmpty();
			assertThat(here.reads()).isEqualTo(40 * 200);
			assertThat(there).as("reads in the other process: done, failed, first failure")
				.isEqualTo("READ-LOAD " + (40 * 200) + " 0 -");
			other.send("exit");
			assertThat(other.waitFor(TIMEOUT)).isZero();
		}
	}

	@Test
	void aReadGivesUpWithAStorageExceptionWhenTheTableStaysFull() throws Exception {
		Path store = this.dir.resolve("store");
		try (Varve varve = storeWithStreams(store, 1, 3);
				ChildJvm other = ChildJvm.start(StoreProcessMain.class, this.dir.resolve("logs"))) {
			CountDownLatch release = new CountDownLatch(1);
			Holders holders = fillTheTableWithAnotherProcess(varve, store, other, release);
			try {
				long started = System.nanoTime();
				assertThatThrownBy(() -> varve.readStream("reader-0", 1, 10)).isInstanceOf(StorageException.class)
					.hasMessageContaining("every entry of LMDB's reader table, which all processes using the store "
							+ "share, stayed in use for 30 s")
					.hasMessageContaining("raise the reader limit (VarveBuilder.maxReaders");
				assertThat(Duration.ofNanos(System.nanoTime() - started)).as("time waited")
					.isGreaterThanOrEqualTo(Duration.ofSeconds(29));
			}
			finally {
				release.countDown();
			}
			holders.join();
			other.send("exit");
			assertThat(other.waitFor(TIMEOUT)).isZero();
		}
	}

	/**
	 * Fills LMDB's reader table: of its 8 entries the other process takes 6, this one the
	 * last 2, well below its own limit of 6, so that only the shared table is full.
	 */
	private static Holders fillTheTableWithAnotherProcess(Varve varve, Path store, ChildJvm other,
			CountDownLatch release) throws InterruptedException {
		other.send("open " + store + " read " + MAX_READERS);
		other.await("OPENED", TIMEOUT);
		other.send("hold " + SNAPSHOTS_PER_PROCESS);
		other.await("HELD", TIMEOUT);
		return holdSnapshots((DefaultVarve) varve, MAX_READERS - SNAPSHOTS_PER_PROCESS, release);
	}

	@Test
	void readerSlotsLeftByAKilledProcessAreReclaimedAtOpen() throws Exception {
		Path store = this.dir.resolve("store");
		storeWithStreams(store, 1, 3).close();
		// A bystander keeps the store open, so LMDB does not simply reset its reader
		// table
		// when the next process opens it: only Varve's check at open frees the dead
		// slots.
		try (ChildJvm bystander = ChildJvm.start(StoreProcessMain.class, this.dir.resolve("logs"));
				ChildJvm victim = ChildJvm.start(StoreProcessMain.class, this.dir.resolve("logs"))) {
			bystander.send("open " + store + " read " + MAX_READERS);
			bystander.await("OPENED", TIMEOUT);
			victim.send("open " + store + " read " + MAX_READERS);
			victim.await("OPENED", TIMEOUT);
			victim.send("hold " + SNAPSHOTS_PER_PROCESS);
			victim.await("HELD", TIMEOUT);
			victim.kill();

			try (Varve varve = Varve.builder().path(store).maxReaders(MAX_READERS).open()) {
				CountDownLatch release = new CountDownLatch(1);
				Holders holders = holdSnapshots((DefaultVarve) varve, SNAPSHOTS_PER_PROCESS, release);
				release.countDown();
				holders.join();
				assertThat(readAndCheck(varve, 0)).isEqualTo(3);
			}
			bystander.send("exit");
			bystander.waitFor(TIMEOUT);
		}
	}

	private static Varve storeWithStreams(Path path, int streams, int events) {
		return storeWithStreams(path, streams, events, MAX_READERS);
	}

	private static Varve storeWithStreams(Path path, int streams, int events, int maxReaders) {
		Varve varve = Varve.builder().path(path).maxReaders(maxReaders).open();
		for (int s = 0; s < streams; s++) {
			for (int e = 0; e < events; e++) {
				varve.append("reader-" + s, ExpectedVersion.exact(e), Filler.of(e, 50));
			}
		}
		return varve;
	}

	/** Reads a stream three ways and checks they agree; returns its event count. */
	private static int readAndCheck(Varve varve, int stream) {
		String name = "reader-" + stream;
		List<RecordedEvent> events = varve.readStream(name, 1, 100);
		for (int i = 0; i < events.size(); i++) {
			RecordedEvent event = events.get(i);
			assertThat(event.version()).isEqualTo(i + 1);
			Optional<RecordedEvent> byPosition = varve.readEvent(event.position());
			assertThat(byPosition).isPresent();
			assertThat(byPosition.get().id()).isEqualTo(event.id());
			assertThat(event.dataAs(Filler.class).index()).isEqualTo(i);
		}
		assertThat(varve.streamInfo(name).orElseThrow().version()).isEqualTo(events.size());
		return events.size();
	}

	/**
	 * Starts threads that each open a snapshot and keep it until released; returns once
	 * all are open.
	 */
	private static Holders holdSnapshots(DefaultVarve varve, int count, CountDownLatch release)
			throws InterruptedException {
		long head = varve.headPosition();
		CountDownLatch opened = new CountDownLatch(count);
		List<CompletableFuture<Long>> held = new ArrayList<>();
		List<Thread> threads = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			CompletableFuture<Long> result = new CompletableFuture<>();
			Thread holder = new Thread(() -> complete(result, () -> varve.read((txn) -> {
				long seen = txn.headPosition();
				opened.countDown();
				try {
					release.await();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				return seen;
			})));
			holder.start();
			threads.add(holder);
			held.add(result);
		}
		if (!opened.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
			// Let the holders that did get a snapshot go, so that the store can close.
			release.countDown();
			throw new AssertionError(
					"Only " + (count - opened.getCount()) + " of " + count + " snapshots could be open at once");
		}
		return new Holders(threads, held, head);
	}

	/** Threads holding snapshots; what they saw reaches the test when they are joined. */
	private record Holders(List<Thread> threads, List<CompletableFuture<Long>> held, long head) {

		/** Waits for every holder and checks that each saw the whole store. */
		void join() throws Exception {
			for (Thread thread : this.threads) {
				thread.join();
			}
			for (CompletableFuture<Long> seen : this.held) {
				assertThat(seen.get()).as("head seen in a held snapshot").isEqualTo(this.head);
			}
		}

	}

	/** Completes a future with what a task gives or throws, errors included. */
	private static <T> void complete(CompletableFuture<T> future, Supplier<T> task) {
		try {
			future.complete(task.get());
		}
		catch (Throwable ex) {
			future.completeExceptionally(ex);
		}
	}

	/** Waits until a thread is parked (here: queued for a snapshot). */
	private static void awaitParked(Thread thread) throws InterruptedException {
		long deadline = System.nanoTime() + TIMEOUT.toNanos();
		while (thread.getState() != Thread.State.TIMED_WAITING && thread.getState() != Thread.State.WAITING) {
			assertThat(System.nanoTime()).as("thread parked in time").isLessThan(deadline);
			assertThat(thread.isAlive()).as("thread still waiting").isTrue();
			Thread.sleep(1);
		}
	}

}

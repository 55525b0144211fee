package io.varve.core;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.annotation.JsonValue;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.varve.AppendResult;
import io.varve.Durability;
import io.varve.ExpectedVersion;
import io.varve.RecordedEvent;
import io.varve.StoreFullException;
import io.varve.Varve;
import io.varve.WrongExpectedVersionException;
import io.varve.core.write.CommitListener.Commit;
import io.varve.core.write.WriteContext;
import io.varve.core.write.WriteRequest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

class GroupCommitTest {

	@TempDir
	Path dir;

	record Deposited(long amount) {
	}

	record Note(String text) {
	}

	/** Serialises to the name of the thread that serialised it. */
	static final class ThreadSpy {

		@JsonValue
		public String thread() {
			return Thread.currentThread().getName();
		}

	}

	@Test
	void requestsQueuedWhileTheWriterIsBusyCommitTogetherAndAConflictFailsOnlyItself() throws Exception {
		try (DefaultVarve varve = (DefaultVarve) Varve.open(this.dir)) {
			WriterGate gate = WriterGate.hold(varve, new Deposited(0));

			// The writer is held in the listener: everything below queues up as one
			// group.
			List<CompletableFuture<AppendResult>> good = new ArrayList<>();
			for (int i = 0; i < 20; i++) {
				good.add(varve.appendAsync("s-" + i, ExpectedVersion.noStream(), new Deposited(i)));
			}
			CompletableFuture<AppendResult> conflicting = varve.appendAsync("gate", ExpectedVersion.noStream(),
					new Deposited(99));
			for (int i = 20; i < 40; i++) {
				good.add(varve.appendAsync("s-" + i, ExpectedVersion.noStream(), new Deposited(i)));
			}
			gate.release();

			for (CompletableFuture<AppendResult> future : good) {
				assertThat(future.get(10, TimeUnit.SECONDS).version()).isEqualTo(1);
			}
			assertThat(conflicting).failsWithin(java.time.Duration.ofSeconds(10))
				.withThrowableThat()
				.havingCause()
				.isInstanceOf(WrongExpectedVersionException.class);
			// The gate's commit, then everything queued behind it as one group.
			assertThat(gate.commits())
				.extracting(Commit::requests, Commit::failures, Commit::events, Commit::headPosition)
				.containsExactly(tuple(1, 0, 1, 1L), tuple(40, 1, 40, 41L));
			assertThat(varve.headPosition()).isEqualTo(41);
		}
	}

	@Test
	void onAStoreAtItsMaximumSizeOnlyTheRequestOfAGroupThatDoesNotFitFails() throws Exception {
		long mib = 1024 * 1024;
		try (DefaultVarve varve = (DefaultVarve) Varve.builder().path(this.dir).mapSize(mib).maxMapSize(mib).open()) {
			WriterGate gate = WriterGate.hold(varve, new Deposited(0));
			// Two events of 600 KB cannot fit a 1 MiB map; queued behind the gate, they
			// share a group with a small append.
			String text = "x".repeat(600_000);
			CompletableFuture<AppendResult> tooBig = varve.appendAsync("big", ExpectedVersion.noStream(),
					new Note(text), new Note(text));
			CompletableFuture<AppendResult> fits = varve.appendAsync("small", ExpectedVersion.noStream(),
					new Deposited(1));
			gate.release();

			assertThat(tooBig).failsWithin(java.time.Duration.ofSeconds(30))
				.withThrowableThat()
				.havingCause()
				.isInstanceOf(StoreFullException.class);
			assertThat(fits.get(30, TimeUnit.SECONDS)).isEqualTo(new AppendResult("small", 2, 2, 1));
			// The group failed whole, then each request was committed on its own.
			assertThat(gate.commits()).extracting(Commit::requests, Commit::failures, Commit::headPosition)
				.containsExactly(tuple(1, 0, 1L), tuple(1, 0, 2L));
			assertThat(varve.streamInfo("big")).isEmpty();
			assertThat(varve.headPosition()).isEqualTo(2);
		}
	}

	@Test
	void aDurableStoresLoneWaitingAppendsCommitOnTheirCallersThreadIntoTheWritersBatch() throws Exception {
		try (DefaultVarve varve = (DefaultVarve) Varve.open(this.dir)) {
			ConcurrentLinkedQueue<String> committedOn = new ConcurrentLinkedQueue<>();
			varve.groupWriter().addListener((commit) -> committedOn.add(Thread.currentThread().getName()));
			varve.groupWriter().publishInterval(java.time.Duration.ofHours(1));

			// Queued: the writer opens a batch for it, and keeps it open.
			varve.appendAsync("s-1", ExpectedVersion.noStream(), new Deposited(1)).get(10, TimeUnit.SECONDS);
			assertThat(committedOn).singleElement().asString().startsWith("varve-writer");
			// A waiting caller commits on its own thread, into that batch, when the
			// writer thread has let go of the commit lock (it wakes a group's callers
			// before it does: a caller woken at once queues instead).
			long version = 1;
			while (version < 20 && !committedOn.contains(Thread.currentThread().getName())) {
				awaitWriterParked(varve);
				varve.append("s-1", ExpectedVersion.exact(version), new Deposited(version + 1));
				version++;
			}
			assertThat(committedOn).contains(Thread.currentThread().getName());
			// All acknowledged in the open batch: a read of this process sees them, and
			// so do the expected-version checks of the next append.
			assertThat(varve.readStream("s-1", 1, 100)).hasSize((int) version);
			assertThat(varve.append("s-1", ExpectedVersion.exact(version), new Deposited(0)).version())
				.isEqualTo(version + 1);
			long stale = version;
			assertThatThrownBy(() -> varve.append("s-1", ExpectedVersion.exact(stale), new Deposited(0)))
				.isInstanceOf(io.varve.WrongExpectedVersionException.class);
		}
	}

	/**
	 * Waits until the writer has nothing outstanding and its thread is parked waiting for
	 * work (so it holds no lock).
	 */
	private void awaitWriterParked(DefaultVarve varve) {
		String name = "varve-writer[" + this.dir.getFileName() + "]";
		Thread writer = Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter((thread) -> thread.getName().equals(name))
			.findFirst()
			.orElseThrow();
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (!varve.groupWriter().idle()
				|| (writer.getState() != Thread.State.WAITING && writer.getState() != Thread.State.TIMED_WAITING)) {
			assertThat(System.nanoTime() - deadline).as("the writer thread parks").isNegative();
			Thread.onSpinWait();
		}
	}

	@Test
	void eventsAreSerialisedOnTheCallersThreadNotTheWriter() {
		try (Varve varve = Varve.open(this.dir)) {
			varve.append("s-1", ExpectedVersion.any(), new ThreadSpy());
			String serialisedOn = varve.readStream("s-1", 1, 1).get(0).dataAs(String.class);
			assertThat(serialisedOn).isEqualTo(Thread.currentThread().getName()).doesNotContain("varve-writer");
		}
	}

	@Test
	void aWaitingAppendWithNothingElseOutstandingCommitsOnItsCallersThreadAndOthersOnTheWriter() throws Exception {
		// Without the journal: a durable store's groups go into the writer thread's
		// batch.
		try (DefaultVarve varve = (DefaultVarve) Varve.builder()
			.path(this.dir)
			.durability(io.varve.Durability.NO_SYNC)
			.open()) {
			ConcurrentLinkedQueue<String> committedOn = new ConcurrentLinkedQueue<>();
			varve.groupWriter().addListener((commit) -> committedOn.add(Thread.currentThread().getName()));

			varve.append("s-1", ExpectedVersion.noStream(), new Deposited(1));
			assertThat(committedOn).containsExactly(Thread.currentThread().getName());

			committedOn.clear();
			varve.appendAsync("s-1", ExpectedVersion.exact(1), new Deposited(2)).get(10, TimeUnit.SECONDS);
			assertThat(committedOn).singleElement().asString().startsWith("varve-writer");
		}
	}

	@Test
	void aWaitingAppendBehindQueuedOnesWaitsForThemAndIsCommittedByTheWriter() throws Exception {
		try (DefaultVarve varve = (DefaultVarve) Varve.open(this.dir)) {
			WriterGate gate = WriterGate.hold(varve, new Deposited(0));
			ConcurrentLinkedQueue<String> committedOn = new ConcurrentLinkedQueue<>();
			varve.groupWriter().addListener((commit) -> committedOn.add(Thread.currentThread().getName()));
			FutureTask<AppendResult> append = new FutureTask<>(
					() -> varve.append("s-1", ExpectedVersion.noStream(), new Deposited(1)));
			Thread caller = new Thread(append, "caller");
			caller.start();
			// The writer is held with its group outstanding: the caller must queue and
			// wait, not commit past it (which would end the thread without waiting).
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
			while (caller.isAlive() && caller.getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
				Thread.onSpinWait();
			}
			assertThat(caller.getState()).isEqualTo(Thread.State.WAITING);
			assertThat(append).isNotDone();
			gate.release();
			// Whatever the caller threw reaches the test here.
			assertThat(append.get(10, TimeUnit.SECONDS).firstPosition()).isEqualTo(2);
			assertThat(committedOn).allSatisfy((thread) -> assertThat(thread).startsWith("varve-writer"));
		}
	}

	@Test
	void aCallersAppendsAreStoredInTheOrderItMadeThemAsyncOrNot() {
		try (Varve varve = Varve.builder().path(this.dir).durability(Durability.NO_SYNC).open()) {
			int pairs = 2_000;
			List<CompletableFuture<AppendResult>> pending = new ArrayList<>();
			for (int i = 0; i < pairs; i++) {
				pending.add(varve.appendAsync("s", ExpectedVersion.any(), new Deposited(2L * i)));
				varve.append("s", ExpectedVersion.any(), new Deposited(2L * i + 1));
			}
			pending.forEach(CompletableFuture::join);
			List<Long> amounts = new ArrayList<>();
			try (var events = varve.scanStream("s", 1)) {
				events.map((RecordedEvent event) -> event.dataAs(Deposited.class).amount()).forEach(amounts::add);
			}
			assertThat(amounts).hasSize(2 * pairs).isSorted();
		}
	}

	@Test
	void aVirtualThreadsAppendIsCommittedByTheWriterThread() throws Exception {
		Assumptions.assumeTrue(Runtime.version().feature() >= 21, "virtual threads need Java 21");
		try (DefaultVarve varve = (DefaultVarve) Varve.open(this.dir)) {
			ConcurrentLinkedQueue<String> committedOn = new ConcurrentLinkedQueue<>();
			varve.groupWriter().addListener((commit) -> committedOn.add(Thread.currentThread().getName()));
			FutureTask<AppendResult> append = new FutureTask<>(
					() -> varve.append("s-1", ExpectedVersion.noStream(), new Deposited(1)));
			Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
			Class.forName("java.lang.Thread$Builder").getMethod("start", Runnable.class).invoke(builder, append);
			assertThat(append.get(10, TimeUnit.SECONDS).version()).isEqualTo(1);
			assertThat(committedOn).singleElement().asString().startsWith("varve-writer");
		}
	}

	/**
	 * A request that writes nothing, for watching the hand-off alone: notes which thread
	 * woke its caller.
	 */
	static final class Nothing extends WriteRequest<String> {

		private final String[] wokenBy;

		private final int index;

		Nothing(String[] wokenBy, int index) {
			super(false);
			this.wokenBy = wokenBy;
			this.index = index;
		}

		@Override
		protected void waking() {
			String thread = Thread.currentThread().getName();
			this.wokenBy[this.index] = thread.startsWith("varve-writer") ? "writer" : thread;
		}

		@Override
		protected String apply(WriteContext context) {
			return "done";
		}

		@Override
		protected int eventCount() {
			return 0;
		}

		@Override
		protected long byteSize() {
			return 0;
		}

	}

	@Test
	void theWriterWakesTwoWaitingCallersOfAGroupAndEachWokenCallerWakesTwoMore() throws Exception {
		List<String> wokenBy = wakeEightWaitingCallers(false);
		assertThat(wokenBy).containsExactly("writer", "writer", "caller-0", "caller-0", "caller-1", "caller-1",
				"caller-2", "caller-2");
	}

	@Test
	void aCallerThatStopsWaitingBeforeItIsWokenStrandsNoOneItWasToWake() throws Exception {
		List<String> wokenBy = wakeEightWaitingCallers(true);
		// Caller 0 stopped waiting: the writer, which woke its request, wakes its two.
		assertThat(wokenBy).containsExactly("writer", "writer", "writer", "writer", "caller-1", "caller-1", "caller-2",
				"caller-2");
	}

	/**
	 * Eight waiting requests committed in one group, each waited for on a thread of its
	 * own ("caller-i"); the first one's thread interrupted before the commit if asked.
	 * @return for each request, the thread that woke its caller
	 */
	private List<String> wakeEightWaitingCallers(boolean interruptFirst) throws Exception {
		try (DefaultVarve varve = (DefaultVarve) Varve.open(this.dir)) {
			WriterGate gate = WriterGate.hold(varve, new Deposited(0));
			int count = 8;
			String[] wokenBy = new String[count];
			List<Thread> callers = new ArrayList<>();
			List<FutureTask<String>> waits = new ArrayList<>();
			for (int i = 0; i < count; i++) {
				CompletableFuture<String> future = varve.groupWriter().submit(new Nothing(wokenBy, i));
				FutureTask<String> wait = new FutureTask<>(future::get);
				Thread caller = new Thread(wait, "caller-" + i);
				caller.start();
				waits.add(wait);
				callers.add(caller);
			}
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
			for (Thread caller : callers) {
				while (caller.getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
					Thread.onSpinWait();
				}
				assertThat(caller.getState()).as(caller.getName()).isEqualTo(Thread.State.WAITING);
			}
			if (interruptFirst) {
				callers.get(0).interrupt();
				assertThatThrownBy(() -> waits.get(0).get(10, TimeUnit.SECONDS))
					.hasCauseInstanceOf(InterruptedException.class);
			}
			gate.release();
			for (int i = interruptFirst ? 1 : 0; i < count; i++) {
				assertThat(waits.get(i).get(10, TimeUnit.SECONDS)).isEqualTo("done");
			}
			for (Thread caller : callers) {
				caller.join(10_000);
			}
			return List.of(wokenBy);
		}
	}

}

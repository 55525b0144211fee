package io.varve.core;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.annotation.JsonValue;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.varve.AppendResult;
import io.varve.Durability;
import io.varve.ExpectedVersion;
import io.varve.RecordedEvent;
import io.varve.Varve;
import io.varve.WrongExpectedVersionException;

import static org.assertj.core.api.Assertions.assertThat;

class GroupCommitTest {

	@TempDir
	Path dir;

	record Deposited(long amount) {
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
			assertThat(gate.commits()).anySatisfy((commit) -> {
				assertThat(commit.requests()).isEqualTo(40);
				assertThat(commit.failures()).isEqualTo(1);
				assertThat(commit.events()).isEqualTo(40);
				assertThat(commit.headPosition()).isEqualTo(41);
			});
			assertThat(varve.headPosition()).isEqualTo(41);
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
		try (DefaultVarve varve = (DefaultVarve) Varve.open(this.dir)) {
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
			AtomicReference<AppendResult> result = new AtomicReference<>();
			Thread caller = new Thread(
					() -> result.set(varve.append("s-1", ExpectedVersion.noStream(), new Deposited(1))), "caller");
			caller.start();
			// The writer is held with its group outstanding: the caller must queue and
			// wait, not commit past it (which would end the thread without waiting).
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
			while (caller.isAlive() && caller.getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
				Thread.onSpinWait();
			}
			assertThat(caller.getState()).isEqualTo(Thread.State.WAITING);
			assertThat(result.get()).isNull();
			gate.release();
			caller.join(10_000);
			assertThat(result.get().firstPosition()).isEqualTo(2);
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
			AtomicReference<Throwable> failure = new AtomicReference<>();
			Runnable append = () -> {
				try {
					varve.append("s-1", ExpectedVersion.noStream(), new Deposited(1));
				}
				catch (Throwable ex) {
					failure.set(ex);
				}
			};
			Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
			Thread virtual = (Thread) Class.forName("java.lang.Thread$Builder")
				.getMethod("start", Runnable.class)
				.invoke(builder, append);
			virtual.join(10_000);
			assertThat(failure.get()).isNull();
			assertThat(committedOn).singleElement().asString().startsWith("varve-writer");
		}
	}

}

package io.varve.core;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.varve.AppendResult;
import io.varve.EventData;
import io.varve.EventSerializationException;
import io.varve.EventTooLargeException;
import io.varve.ExpectedVersion;
import io.varve.RecordedEvent;
import io.varve.Varve;
import io.varve.VarveBuilder;
import io.varve.core.codec.EventTypeRegistry;
import io.varve.core.evolve.StoredSchemas;
import io.varve.core.codec.PayloadCodec;
import io.varve.core.write.CommitListener.Commit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

/**
 * A large synchronous append is queued while its caller still encodes it, and the writer
 * stores its first events meanwhile. Whatever happens to the encoding, the append is all
 * or nothing, and the other appends of its group are not harmed.
 */
class StreamedAppendTest {

	@TempDir
	Path dir;

	record Line(int n, String text) {
	}

	/** Counts a latch down when Jackson reads it, then serialises like a line. */
	static final class Signal {

		private final CountDownLatch reached;

		Signal(CountDownLatch reached) {
			this.reached = reached;
		}

		public String getText() {
			this.reached.countDown();
			return "signal";
		}

	}

	/** Fails when Jackson reads it. */
	static final class Broken {

		public String getText() {
			throw new IllegalStateException("broken on purpose");
		}

	}

	@Test
	void aLargeAppendIsStoredWholeInOrderAcrossMapGrowth() {
		// A 1 MiB map and about 3 MiB of events: the map grows while the append is
		// stored,
		// and the writer applies it again from its first event.
		try (Varve varve = Varve.builder().path(this.dir).mapSize(1024 * 1024).open()) {
			varve.append("other", ExpectedVersion.any(), new Line(-1, "before"));
			List<EventData> events = new ArrayList<>();
			for (int i = 0; i < 3_000; i++) {
				EventData event = EventData.of(new Line(i, "x".repeat(900 + i % 200)));
				if (i % 3 == 0) {
					event = event.withMetadata(Map.of("i", i));
				}
				if (i % 5 == 0) {
					event = event.withId(new UUID(0x7000_0000_0000_0000L | i, i));
				}
				events.add(event);
			}
			AppendResult result = varve.append("big", ExpectedVersion.noStream(), events);
			assertThat(result).isEqualTo(new AppendResult("big", 2, 3_001, 3_000));
			List<RecordedEvent> read = varve.readStream("big", 1, 5_000);
			assertThat(read).hasSize(3_000);
			for (int i = 0; i < 3_000; i++) {
				RecordedEvent event = read.get(i);
				assertThat(event.version()).isEqualTo(i + 1);
				assertThat(event.position()).isEqualTo(i + 2);
				assertThat(event.dataAs(Line.class)).isEqualTo(events.get(i).event());
				assertThat(event.hasMetadata()).isEqualTo(i % 3 == 0);
				if (i % 5 == 0) {
					assertThat(event.id()).isEqualTo(events.get(i).id());
				}
			}
		}
	}

	@Test
	void anEncodingFailureLateInALargeAppendFailsItAloneAndItsGroupCommits() throws Exception {
		try (DefaultVarve varve = (DefaultVarve) Varve.open(this.dir)) {
			WriterGate gate = WriterGate.hold(varve, new Line(0, "gate"));

			// The writer is held: what queues now forms one group.
			List<CompletableFuture<AppendResult>> small = new ArrayList<>();
			for (int i = 0; i < 10; i++) {
				small.add(varve.appendAsync("small-" + i, ExpectedVersion.noStream(), new Line(i, "small")));
			}
			CountDownLatch largeQueued = new CountDownLatch(1);
			List<EventData> events = new ArrayList<>();
			for (int i = 0; i < 2_000; i++) {
				Object event = switch (i) {
					// Encoded after the first slice was published, so the append is
					// queued.
					case 100 -> new Signal(largeQueued);
					case 1_500 -> new Broken();
					default -> new Line(i, "large");
				};
				events.add(EventData.of(event));
			}
			// Driven through the encoder, which queues the append after its first slice
			// whatever the writer is doing (Varve itself does so only when it is idle).
			EventEncoder encoder = new EventEncoder(new PayloadCodec(PayloadCodec.defaultMapper()),
					new EventTypeRegistry(), StoredSchemas.empty(), VarveBuilder.DEFAULT_MAX_EVENT_SIZE);
			EventEncoder.Pending pending = encoder.check("large", ExpectedVersion.noStream(), events, new HashSet<>());
			AppendRequest<AppendResult> request = AppendRequest.single(pending.part(), false);
			FutureTask<Void> large = new FutureTask<>(
					() -> encoder.encode(pending, () -> varve.groupWriter().submit(request), request::sealAhead), null);
			new Thread(large, "large").start();
			assertThat(largeQueued.await(10, TimeUnit.SECONDS)).isTrue();
			for (int i = 10; i < 20; i++) {
				small.add(varve.appendAsync("small-" + i, ExpectedVersion.noStream(), new Line(i, "small")));
			}
			gate.release();

			Throwable largeFailure = catchThrowableOfType(ExecutionException.class,
					() -> large.get(10, TimeUnit.SECONDS))
				.getCause();
			assertThat(largeFailure).isInstanceOf(EventSerializationException.class)
				.hasMessageContaining("event 1500 of the append to 'large'");
			assertThat(request.future()).failsWithin(java.time.Duration.ofSeconds(10))
				.withThrowableThat()
				.havingCause()
				.isSameAs(largeFailure);
			for (CompletableFuture<AppendResult> future : small) {
				assertThat(future.get(10, TimeUnit.SECONDS).version()).isEqualTo(1);
			}
			assertThat(varve.streamInfo("large")).isEmpty();
			assertThat(varve.headPosition()).isEqualTo(21);
			assertThat(varve.readAll(0, 100)).extracting(RecordedEvent::stream).doesNotContain("large");
			// The gate's commit, then one group: the large append was dropped from it.
			assertThat(gate.commits()).extracting(Commit::requests, Commit::failures, Commit::headPosition)
				.containsExactly(tuple(1, 0, 1L), tuple(20, 1, 21L));
		}
	}

	@Test
	void aLargeAppendIsQueuedWhileBeingEncodedOnlyWhenTheWriterIsIdle() throws Exception {
		try (DefaultVarve varve = (DefaultVarve) Varve.open(this.dir)) {
			List<EventData> events = new ArrayList<>();
			for (int i = 0; i < 2_000; i++) {
				events.add(EventData.of((i == 1_500) ? new Broken() : new Line(i, "large")));
			}
			WriterGate gate = WriterGate.hold(varve, new Line(0, "gate"));

			// The writer is busy: the append is encoded whole, fails, and is never
			// queued.
			assertThat(org.assertj.core.api.Assertions
				.catchThrowable(() -> varve.append("large", ExpectedVersion.noStream(), events)))
				.isInstanceOf(EventSerializationException.class);
			gate.release();
			varve.append("after", ExpectedVersion.noStream(), new Line(1, "after"));
			assertThat(gate.commits()).allSatisfy((commit) -> assertThat(commit.failures()).isZero());

			// The writer is idle: the append is queued after its first slice, so the
			// writer sees it fail and drops it from its group.
			assertThat(varve.groupWriter().idle()).isTrue();
			CountDownLatch failedCommit = new CountDownLatch(1);
			varve.groupWriter().addListener((commit) -> {
				if (commit.failures() > 0) {
					failedCommit.countDown();
				}
			});
			assertThat(org.assertj.core.api.Assertions
				.catchThrowable(() -> varve.append("large", ExpectedVersion.noStream(), events)))
				.isInstanceOf(EventSerializationException.class)
				.hasMessageContaining("event 1500");
			// The caller hears of the failure before the writer has dropped the append:
			// wait for that commit, so that the next append does not join its group.
			assertThat(failedCommit.await(10, TimeUnit.SECONDS)).isTrue();
			varve.append("after", ExpectedVersion.exact(1), new Line(2, "after"));
			assertThat(gate.commits()).extracting(Commit::requests, Commit::failures, Commit::headPosition)
				.containsExactly(tuple(1, 0, 1L), tuple(1, 0, 2L), tuple(0, 1, 2L), tuple(1, 0, 3L));
			assertThat(varve.streamInfo("large")).isEmpty();
			assertThat(varve.headPosition()).isEqualTo(3);
		}
	}

	@Test
	void anOversizedEventLateInALargeAppendChangesNothing() {
		try (Varve varve = Varve.builder().path(this.dir).maxEventSize(4096).open()) {
			varve.append("other", ExpectedVersion.any(), new Line(-1, "before"));
			List<EventData> events = new ArrayList<>();
			for (int i = 0; i < 1_000; i++) {
				events.add(EventData.of(new Line(i, (i == 900) ? "y".repeat(10_000) : "small")));
			}
			assertThat(org.assertj.core.api.Assertions
				.catchThrowable(() -> varve.append("big", ExpectedVersion.noStream(), events)))
				.isInstanceOf(EventTooLargeException.class)
				.hasMessageContaining("Event 900");
			assertThat(varve.headPosition()).isEqualTo(1);
			assertThat(varve.streamInfo("big")).isEmpty();
			// The store goes on working: the same stream can be created afterwards.
			events.set(900, EventData.of(new Line(900, "small")));
			assertThat(varve.append("big", ExpectedVersion.noStream(), events).lastPosition()).isEqualTo(1_001);
		}
	}

}

package io.varve.core.processor;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.varve.Durability;
import io.varve.EventData;
import io.varve.ExpectedVersion;
import io.varve.StoreFullException;
import io.varve.Varve;
import io.varve.core.DefaultVarve;
import io.varve.core.processor.TestEvents.Noted;
import io.varve.processor.ProcessorDefinition;
import io.varve.processor.ProcessorError;
import io.varve.processor.ProcessorRegistry;
import io.varve.processor.ProcessorState;
import io.varve.processor.ProcessorStatus;
import io.varve.processor.ProcessorTimeoutException;
import io.varve.processor.ProjectionEntry;
import io.varve.processor.ProjectionView;
import io.varve.processor.RetryPolicy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A processor whose commits fail on a full store retries them, reports it meanwhile, and
 * goes on by itself once there is room, each event counted exactly once.
 *
 * <p>
 * The store is full for real: it may not grow past 4 MiB, and each commit of the
 * processor rewrites a 256 KiB value. LMDB reuses the pages an old value leaves behind
 * only once no read snapshot older than that commit is open, so while the test holds a
 * snapshot each commit takes new pages and the store fills up within a few commits;
 * closing the snapshot makes the freed pages usable again, and commits succeed.
 */
class ProcessorCommitRetryTest {

	private static final Duration WAIT = Duration.ofSeconds(20);

	private static final int EVENTS = 40;

	@TempDir
	Path dir;

	private DefaultVarve varve;

	private ProcessorRegistry processors;

	@BeforeEach
	void open() {
		this.varve = (DefaultVarve) Varve.builder()
			.path(this.dir)
			.durability(Durability.NO_SYNC)
			.maxMapSize(4L << 20)
			.eventTypes(Noted.class)
			.open();
		this.processors = this.varve.processors();
	}

	@AfterEach
	void close() {
		this.varve.close();
	}

	/**
	 * One event per batch, so that each batch is handled while the one before commits:
	 * counts events, marks each position, and rewrites the 256 KiB value.
	 */
	private ProcessorDefinition blobs() {
		return ProcessorDefinition.builder("blobs")
			.batchSize(1)
			.retryPolicy(RetryPolicy.of(3, Duration.ofMillis(10), Duration.ofMillis(10), 1.0))
			.handler((event, context) -> {
				var store = context.projections();
				store.put("counts", "total", store.get("counts", "total", Long.class).orElse(0L) + 1);
				String position = String.valueOf(event.position());
				store.put("seen", position, store.get("seen", position, Long.class).orElse(0L) + 1);
				store.put("blobs", "b", new byte[256 << 10]);
			})
			.build();
	}

	@Test
	void aCommitThatFailsOnAFullStoreIsRetriedUntilThereIsRoomAndEachEventCountsOnce() {
		appendNotes();
		this.processors.register(blobs());
		long[] committedTotal = new long[1];
		ProcessorStatus retrying = this.varve.read((snapshot) -> {
			this.processors.start("blobs");
			ProcessorStatus status = awaitState("blobs", ProcessorState.RETRYING);
			committedTotal[0] = this.processors.projections().get("counts", "total", Long.class).orElse(0L);
			assertThatExceptionOfType(ProcessorTimeoutException.class)
				.isThrownBy(() -> this.processors.awaitProcessed("blobs", EVENTS, Duration.ofMillis(1)))
				.withMessageContaining("it is RETRYING at checkpoint " + status.checkpoint())
				.withMessageContaining("the store is at its maximum size");
			return status;
		});
		long checkpoint = retrying.checkpoint();
		assertThat(checkpoint).isBetween(1L, EVENTS - 1L);
		assertThat(committedTotal[0]).as("total committed with checkpoint " + checkpoint).isEqualTo(checkpoint);
		assertThat(retrying.lag()).isEqualTo(EVENTS - checkpoint);
		assertThat(retrying.errors()).isZero();
		ProcessorError error = retrying.lastError();
		assertThat(error.errorType()).isEqualTo(StoreFullException.class.getName());
		assertThat(error.position()).isZero();
		assertThat(error.eventId()).isNull();
		assertThat(error.attempts()).isPositive();
		assertThat(error.message())
			.startsWith("the commit of its checkpoint at position " + (checkpoint + 1)
					+ " with the projection writes and parked events of its last batch failed: "
					+ "the store is at its maximum size (io.varve.StoreFullException); "
					+ "raise varve.max-map-size (VarveBuilder.maxMapSize) or free space in the store. "
					+ "Nothing of it was stored: the processor handles the events after position " + checkpoint
					+ " again and commits in 100 ms")
			.endsWith("and goes on by itself once writes succeed")
			.doesNotContain("append");

		// The snapshot is closed: the pages freed meanwhile are usable again.
		this.processors.awaitProcessed("blobs", EVENTS, WAIT);
		ProcessorStatus done = this.processors.status("blobs");
		assertThat(done.state()).isEqualTo(ProcessorState.RUNNING);
		assertThat(done.checkpoint()).isEqualTo(EVENTS);
		assertThat(done.eventsHandled()).isEqualTo(EVENTS);
		assertThat(done.errors()).isZero();
		ProjectionView view = this.processors.projections();
		assertThat(view.get("counts", "total", Long.class)).contains((long) EVENTS);
		List<ProjectionEntry<Long>> seen = view.list("seen", null, 100, Long.class);
		assertThat(seen).hasSize(EVENTS).allSatisfy((entry) -> assertThat(entry.value()).isEqualTo(1L));
	}

	@Test
	void aProcessorStopsWhileItRetriesAndKeepsItsCommittedCheckpoint() {
		appendNotes();
		this.processors.register(blobs());
		long checkpoint = this.varve.read((snapshot) -> {
			this.processors.start("blobs");
			long failedAfter = awaitState("blobs", ProcessorState.RETRYING).checkpoint();
			this.processors.stop("blobs");
			return failedAfter;
		});
		ProcessorStatus stopped = this.processors.status("blobs");
		assertThat(stopped.state()).isEqualTo(ProcessorState.STOPPED);
		assertThat(stopped.checkpoint()).isEqualTo(checkpoint);
		assertThat(this.processors.projections().get("counts", "total", Long.class)).contains(checkpoint);
		this.processors.start("blobs");
		this.processors.awaitProcessed("blobs", EVENTS, WAIT);
		assertThat(this.processors.projections().get("counts", "total", Long.class)).contains((long) EVENTS);
	}

	private void appendNotes() {
		List<EventData> notes = java.util.stream.IntStream.range(0, EVENTS)
			.mapToObj((i) -> EventData.of(new Noted("n" + i)))
			.toList();
		this.varve.append("notes", ExpectedVersion.any(), notes);
	}

	private ProcessorStatus awaitState(String name, ProcessorState state) {
		long deadline = System.nanoTime() + WAIT.toNanos();
		ProcessorStatus status;
		while ((status = this.processors.status(name)).state() != state) {
			assertThat(System.nanoTime()).as(name + " reaches " + state + ", now " + status).isLessThan(deadline);
			Thread.onSpinWait();
		}
		return status;
	}

}

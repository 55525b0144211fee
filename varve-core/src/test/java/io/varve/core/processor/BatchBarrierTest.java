package io.varve.core.processor;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.varve.ExpectedVersion;
import io.varve.Varve;
import io.varve.processor.BatchIncompleteException;
import io.varve.processor.ErrorPolicy;
import io.varve.processor.ProcessorDefinition;
import io.varve.processor.ProcessorState;
import io.varve.processor.ProcessorTimeoutException;
import io.varve.processor.RetryPolicy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A batch barrier holds the checkpoint until what the handler started is complete: a
 * failing barrier has the whole batch handled again, then fails the processor at the
 * batch's start, or parks the event it names when that cannot succeed.
 */
class BatchBarrierTest {

	@TempDir
	Path dir;

	record Noted(int n) {
	}

	private Varve storeWith(int events) {
		Varve varve = Varve.open(this.dir);
		for (int i = 0; i < events; i++) {
			varve.append("note-" + (i % 3), ExpectedVersion.any(), new Noted(i));
		}
		return varve;
	}

	@Test
	void aBatchIsHandledAgainWholeUntilItsBarrierPassesAndOnlyThenCheckpointed() {
		try (Varve varve = storeWith(10)) {
			List<Long> handled = new CopyOnWriteArrayList<>();
			AtomicInteger calls = new AtomicInteger();
			List<Long> checkpointsSeenByBarrier = new CopyOnWriteArrayList<>();
			varve.processors()
				.register(ProcessorDefinition.builder("out")
					.batchSize(10)
					.retryPolicy(RetryPolicy.of(5, Duration.ofMillis(1), Duration.ofMillis(5), 2.0))
					.handler((event, context) -> handled.add(event.position()))
					.barrier((last, attempt) -> {
						checkpointsSeenByBarrier.add(varve.processors().status("out").checkpoint());
						if (calls.incrementAndGet() < 3) {
							throw new BatchIncompleteException("not yet", 4, true, new RuntimeException("broker away"));
						}
					})
					.build());
			varve.processors().start("out");
			varve.processors().awaitProcessed("out", 10, Duration.ofSeconds(10));
			// Three passes over the batch; the checkpoint moved only after the third.
			assertThat(handled).hasSize(30);
			assertThat(checkpointsSeenByBarrier).containsOnly(0L);
			assertThat(varve.processors().status("out").checkpoint()).isEqualTo(10);
			assertThat(varve.processors().status("out").errors()).isEqualTo(2);
		}
	}

	@Test
	void whenRetriesRunOutTheProcessorFailsBeforeTheBatch() {
		try (Varve varve = storeWith(5)) {
			varve.processors()
				.register(ProcessorDefinition.builder("out")
					.errorPolicy(ErrorPolicy.PARK)
					.retryPolicy(RetryPolicy.of(2, Duration.ofMillis(1), Duration.ofMillis(1), 1.0))
					.handler((event, context) -> {
					})
					.barrier((last, attempt) -> {
						// Retriable: never parked, whatever the policy.
						throw new BatchIncompleteException("away", 2, true, new RuntimeException("broker away"));
					})
					.build());
			varve.processors().start("out");
			assertThatExceptionOfType(RuntimeException.class)
				.isThrownBy(() -> varve.processors().awaitProcessed("out", 5, Duration.ofSeconds(10)))
				.isNotInstanceOf(ProcessorTimeoutException.class);
			assertThat(varve.processors().status("out").state()).isEqualTo(ProcessorState.FAILED);
			assertThat(varve.processors().status("out").checkpoint()).isZero();
			assertThat(varve.processors().parked("out")).isEmpty();
		}
	}

	@Test
	void anEventThatCannotBeTakenIsParkedAndTheRestGoesOn() {
		try (Varve varve = storeWith(6)) {
			AtomicInteger refusals = new AtomicInteger();
			varve.processors()
				.register(ProcessorDefinition.builder("out")
					.errorPolicy(ErrorPolicy.PARK)
					.retryPolicy(RetryPolicy.of(2, Duration.ofMillis(1), Duration.ofMillis(1), 1.0))
					.handler((event, context) -> {
					})
					.barrier((last, attempt) -> {
						if (last >= 3 && refusals.get() < 2) {
							refusals.incrementAndGet();
							throw new BatchIncompleteException("too large", 3, false,
									new RuntimeException("too large"));
						}
					})
					.build());
			varve.processors().start("out");
			varve.processors().awaitProcessed("out", 6, Duration.ofSeconds(10));
			assertThat(varve.processors().parked("out")).extracting((parked) -> parked.position()).containsExactly(3L);
			assertThat(varve.processors().status("out").checkpoint()).isEqualTo(6);
		}
	}

}

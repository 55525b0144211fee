package io.varve.core.processor;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.varve.Durability;
import io.varve.ExpectedVersion;
import io.varve.RecordedEvent;
import io.varve.Varve;
import io.varve.processor.ErrorPolicy;
import io.varve.processor.ParkedEvent;
import io.varve.processor.ProcessorDefinition;
import io.varve.processor.ProcessorFailedException;
import io.varve.processor.ProcessorState;
import io.varve.processor.RetryPolicy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * PARK_STREAM: a failing event's stream is held back in order behind it while other
 * streams go on; retrying or discarding it releases the held events in order.
 */
class ParkStreamTest {

	private static final Duration WAIT = Duration.ofSeconds(20);

	@TempDir
	Path dir;

	record Noted(String stream, int n) {
	}

	/** Events whose handler fails, by "stream/n". */
	private final Set<String> poisoned = ConcurrentHashMap.newKeySet();

	/** What the handler saw, per stream, in order. */
	private final Map<String, List<Integer>> seen = new ConcurrentHashMap<>();

	private Varve open() {
		return Varve.builder().path(this.dir).durability(Durability.NO_SYNC).eventTypes(Noted.class).open();
	}

	private void register(Varve varve, int maxHeld) {
		varve.processors()
			.register(ProcessorDefinition.builder("per-account")
				.errorPolicy(ErrorPolicy.PARK_STREAM)
				.maxHeldEvents(maxHeld)
				.batchSize(7)
				.retryPolicy(RetryPolicy.of(2, Duration.ofMillis(1), Duration.ofMillis(1), 1.0))
				.handler(this::handle)
				.build());
	}

	private void handle(RecordedEvent event, io.varve.processor.ProcessorContext context) {
		Noted noted = (Noted) event.data();
		if (this.poisoned.contains(noted.stream() + "/" + noted.n())) {
			throw new IllegalStateException("poisoned " + noted.stream() + "/" + noted.n());
		}
		this.seen.computeIfAbsent(noted.stream(), (s) -> Collections.synchronizedList(new ArrayList<>()))
			.add(noted.n());
	}

	/** Appends n events to each of a, b, c, interleaved: a1 b1 c1 a2 b2 c2 ... */
	private static void interleaved(Varve varve, int from, int to) {
		for (int n = from; n <= to; n++) {
			for (String stream : List.of("a", "b", "c")) {
				varve.append(stream, ExpectedVersion.any(), new Noted(stream, n));
			}
		}
	}

	@Test
	void aParkedEventHoldsItsStreamInOrderWhileOtherStreamsGoOnAndARetryReleasesThem() {
		this.poisoned.add("b/3");
		try (Varve varve = open()) {
			register(varve, 100);
			interleaved(varve, 1, 10);
			varve.processors().start("per-account");
			varve.processors().awaitProcessed("per-account", varve.headPosition(), WAIT);

			assertThat(this.seen.get("a")).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
			assertThat(this.seen.get("c")).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
			// b stops before its third event: nothing after it is seen out of order.
			assertThat(this.seen.get("b")).containsExactly(1, 2);
			List<ParkedEvent> parked = varve.processors().parked("per-account");
			assertThat(parked).filteredOn((entry) -> !entry.held()).hasSize(1);
			assertThat(parked).filteredOn(ParkedEvent::held).hasSize(7).allSatisfy((entry) -> {
				assertThat(entry.stream()).isEqualTo("b");
				assertThat(entry.error()).contains("position " + parked.get(0).position());
			});
			// Held events count in the lag; the checkpoint is at the head.
			assertThat(varve.processors().status("per-account").lag()).isEqualTo(7);
			assertThat(varve.processors().status("per-account").checkpoint()).isEqualTo(varve.headPosition());
			// New events of b are held too, in order.
			interleaved(varve, 11, 11);
			varve.processors().awaitProcessed("per-account", varve.headPosition(), WAIT);
			assertThat(this.seen.get("b")).containsExactly(1, 2);
			assertThat(this.seen.get("a")).endsWith(11);

			// A held event is not retried on its own.
			long heldPosition = varve.processors().parked("per-account").get(1).position();
			assertThatExceptionOfType(io.varve.InvalidArgumentException.class)
				.isThrownBy(() -> varve.processors().retryParked("per-account", heldPosition))
				.withMessageContaining("held behind");

			this.poisoned.clear();
			assertThat(varve.processors().retryParked("per-account", parked.get(0).position())).isTrue();
			assertThat(this.seen.get("b")).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
			assertThat(varve.processors().parked("per-account")).isEmpty();
			assertThat(varve.processors().status("per-account").lag()).isZero();
			// The stream is no longer held: its next event is handled by the processor.
			interleaved(varve, 12, 12);
			varve.processors().awaitProcessed("per-account", varve.headPosition(), WAIT);
			assertThat(this.seen.get("b")).endsWith(11, 12);
		}
	}

	@Test
	void aHeldEventThatFailsOnReleaseBecomesTheParkedOneAndDiscardingReleasesInOrder() {
		this.poisoned.add("a/2");
		this.poisoned.add("a/4");
		try (Varve varve = open()) {
			register(varve, 100);
			interleaved(varve, 1, 6);
			varve.processors().start("per-account");
			varve.processors().awaitProcessed("per-account", varve.headPosition(), WAIT);
			assertThat(this.seen.get("a")).containsExactly(1);
			long first = varve.processors().parked("per-account").get(0).position();

			// a/2 now passes, a/3 too, a/4 still fails: it becomes the parked event.
			this.poisoned.remove("a/2");
			assertThat(varve.processors().retryParked("per-account", first)).isTrue();
			assertThat(this.seen.get("a")).containsExactly(1, 2, 3);
			List<ParkedEvent> parked = varve.processors().parked("per-account");
			assertThat(parked).filteredOn((entry) -> !entry.held())
				.singleElement()
				.satisfies((entry) -> assertThat(entry.error()).contains("poisoned a/4"));
			assertThat(parked).filteredOn(ParkedEvent::held).hasSize(2);

			// Discarding it hands a/5 and a/6 to the handler, in order.
			varve.processors().discardParked("per-account", parked.get(0).position());
			assertThat(this.seen.get("a")).containsExactly(1, 2, 3, 5, 6);
			assertThat(varve.processors().parked("per-account")).isEmpty();
		}
	}

	@Test
	void holdsSurviveARestartAndTooManyHeldEventsStopTheProcessor() {
		this.poisoned.add("c/1");
		try (Varve varve = open()) {
			register(varve, 4);
			interleaved(varve, 1, 4);
			varve.processors().start("per-account");
			varve.processors().awaitProcessed("per-account", varve.headPosition(), WAIT);
			assertThat(varve.processors().parked("per-account")).filteredOn(ParkedEvent::held).hasSize(3);
		}
		try (Varve varve = open()) {
			register(varve, 4);
			varve.processors().start("per-account");
			// Still held after the restart: c's next event is held, not handled.
			interleaved(varve, 5, 5);
			varve.processors().awaitProcessed("per-account", varve.headPosition(), WAIT);
			assertThat(this.seen.get("c")).isNull();
			assertThat(varve.processors().parked("per-account")).filteredOn(ParkedEvent::held).hasSize(4);
			// One more would pass the limit: the processor stops before it.
			interleaved(varve, 6, 6);
			assertThatExceptionOfType(ProcessorFailedException.class)
				.isThrownBy(() -> varve.processors().awaitProcessed("per-account", varve.headPosition(), WAIT));
			assertThat(varve.processors().status("per-account").state()).isEqualTo(ProcessorState.FAILED);
			assertThat(varve.processors().status("per-account").lastError().message()).contains("maxHeldEvents")
				.contains("stream 'c'");
			assertThat(this.seen.get("a")).endsWith(6);
		}
	}

}

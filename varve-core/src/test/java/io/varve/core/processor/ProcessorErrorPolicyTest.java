package io.varve.core.processor;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.varve.AppendResult;
import io.varve.Durability;
import io.varve.ExpectedVersion;
import io.varve.InvalidArgumentException;
import io.varve.RecordedEvent;
import io.varve.Varve;
import io.varve.core.processor.TestEvents.Deposited;
import io.varve.processor.ErrorPolicy;
import io.varve.processor.EventHandler;
import io.varve.processor.ParkedEvent;
import io.varve.processor.ProcessorDefinition;
import io.varve.processor.ProcessorError;
import io.varve.processor.ProcessorFailedException;
import io.varve.processor.ProcessorRegistry;
import io.varve.processor.ProcessorState;
import io.varve.processor.ProcessorStateException;
import io.varve.processor.ProcessorStatus;
import io.varve.processor.RetryPolicy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class ProcessorErrorPolicyTest {

	private static final Duration WAIT = Duration.ofSeconds(20);

	private static final RetryPolicy QUICK = RetryPolicy.of(3, Duration.ofMillis(1), Duration.ofMillis(4), 2.0);

	@TempDir
	Path dir;

	private Varve varve;

	private ProcessorRegistry processors;

	/** Positions whose handler fails, and how many attempts each saw. */
	private final Map<Long, AtomicInteger> poisoned = new ConcurrentHashMap<>();

	private final List<Long> handled = Collections.synchronizedList(new ArrayList<>());

	@BeforeEach
	void open() {
		this.varve = Varve.builder().path(this.dir).durability(Durability.NO_SYNC).eventTypes(Deposited.class).open();
		this.processors = this.varve.processors();
	}

	@AfterEach
	void close() {
		this.varve.close();
	}

	/** Starts "counts", parking a failing event at its first failure. */
	private void startParkingWithoutRetries() {
		this.processors.register(ProcessorDefinition.builder("counts")
			.errorPolicy(ErrorPolicy.PARK)
			.retryPolicy(RetryPolicy.none())
			.handler(countingHandler())
			.build());
		this.processors.start("counts");
	}

	/** Counts deposits per stream in the projection, failing on poisoned positions. */
	private EventHandler countingHandler() {
		return (event, context) -> {
			context.projections().put("seen", String.valueOf(event.position()), event.position());
			AtomicInteger attempts = this.poisoned.get(event.position());
			if (attempts != null) {
				attempts.incrementAndGet();
				throw new IllegalStateException("poison at " + event.position());
			}
			long count = context.projections().get("counts", event.stream(), Long.class).orElse(0L);
			context.projections().put("counts", event.stream(), count + 1);
			this.handled.add(event.position());
		};
	}

	private AppendResult appendDeposits(int count) {
		return this.varve.append("account-1", ExpectedVersion.any(), TestEvents.deposits(count, 1));
	}

	@Test
	void stopPolicyRetriesThenFailsKeepingTheCheckpointJustBeforeTheFailingEvent() {
		appendDeposits(10);
		this.poisoned.put(6L, new AtomicInteger());
		this.processors
			.register(ProcessorDefinition.builder("counts").retryPolicy(QUICK).handler(countingHandler()).build());
		this.processors.start("counts");
		assertThatExceptionOfType(ProcessorFailedException.class)
			.isThrownBy(() -> this.processors.awaitProcessed("counts", 10, WAIT))
			.satisfies((ex) -> assertThat(ex.error().position()).isEqualTo(6));
		ProcessorStatus status = this.processors.status("counts");
		assertThat(status.state()).isEqualTo(ProcessorState.FAILED);
		assertThat(status.checkpoint()).isEqualTo(5);
		assertThat(status.lag()).isEqualTo(5);
		assertThat(status.errors()).isEqualTo(3);
		ProcessorError error = status.lastError();
		assertThat(error.message()).isEqualTo("poison at 6");
		assertThat(error.errorType()).isEqualTo(IllegalStateException.class.getName());
		assertThat(error.eventId()).isEqualTo(this.varve.readEvent(6).orElseThrow().id());
		assertThat(error.attempts()).isEqualTo(3);
		assertThat(this.poisoned.get(6L)).hasValue(3);
		// The events before it committed with their projection writes; its own writes did
		// not.
		assertThat(this.processors.projections().get("counts", "account-1", Long.class)).contains(5L);
		assertThat(this.processors.projections().get("seen", "6", Long.class)).isEmpty();
		// A failed processor fails waiters at once.
		assertThatExceptionOfType(ProcessorFailedException.class)
			.isThrownBy(() -> this.processors.awaitProcessed("counts", 10, Duration.ofHours(1)));
		assertThatExceptionOfType(ProcessorStateException.class).isThrownBy(() -> this.processors.start("counts"))
			.withMessageContaining("restart(\"counts\")");
	}

	@Test
	void restartAfterAFailureHandlesTheFailedEventAgainAndGoesOn() {
		appendDeposits(10);
		this.poisoned.put(3L, new AtomicInteger());
		this.processors.register(ProcessorDefinition.builder("counts")
			.retryPolicy(RetryPolicy.none())
			.handler(countingHandler())
			.build());
		this.processors.start("counts");
		assertThatExceptionOfType(ProcessorFailedException.class)
			.isThrownBy(() -> this.processors.awaitProcessed("counts", 10, WAIT));
		this.poisoned.clear();
		this.processors.restart("counts");
		this.processors.awaitProcessed("counts", 10, WAIT);
		assertThat(this.handled).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
		assertThat(this.processors.projections().get("counts", "account-1", Long.class)).contains(10L);
		assertThat(this.processors.status("counts").state()).isEqualTo(ProcessorState.RUNNING);
	}

	@Test
	void aHandlerThatSucceedsOnARetryLosesNothingAndDoublesNoWrite() {
		appendDeposits(5);
		AtomicBoolean failedOnce = new AtomicBoolean();
		EventHandler inner = countingHandler();
		this.processors.register(ProcessorDefinition.builder("counts").retryPolicy(QUICK).handler((event, context) -> {
			if (event.position() == 2 && failedOnce.compareAndSet(false, true)) {
				// Writes before the failure must be discarded with it.
				context.projections().put("counts", event.stream(), 1000L);
				throw new IllegalStateException("transient");
			}
			inner.handle(event, context);
		}).build());
		this.processors.start("counts");
		this.processors.awaitProcessed("counts", 5, WAIT);
		assertThat(this.processors.projections().get("counts", "account-1", Long.class)).contains(5L);
		ProcessorStatus status = this.processors.status("counts");
		assertThat(status.errors()).isEqualTo(1);
		assertThat(status.state()).isEqualTo(ProcessorState.RUNNING);
		assertThat(status.lastError().message()).isEqualTo("transient");
	}

	@Test
	void theWaitBetweenAttemptsFollowsTheRetryPolicyUpToItsMaxBackoff() {
		appendDeposits(1);
		List<Long> attemptNanos = Collections.synchronizedList(new ArrayList<>());
		// Uncapped, the waits would be 20 ms, 2 s and 200 s.
		RetryPolicy capped = RetryPolicy.of(4, Duration.ofMillis(20), Duration.ofMillis(40), 100.0);
		this.processors.register(ProcessorDefinition.builder("counts")
			.errorPolicy(ErrorPolicy.PARK)
			.retryPolicy(capped)
			.handler((event, context) -> {
				attemptNanos.add(System.nanoTime());
				throw new IllegalStateException("always");
			})
			.build());
		this.processors.start("counts");
		this.processors.awaitProcessed("counts", 1, WAIT);
		assertThat(attemptNanos).hasSize(4);
		List<Duration> expected = List.of(Duration.ofMillis(20), Duration.ofMillis(40), Duration.ofMillis(40));
		for (int retry = 1; retry <= 3; retry++) {
			Duration waited = Duration.ofNanos(attemptNanos.get(retry) - attemptNanos.get(retry - 1));
			assertThat(waited).as("wait before retry " + retry)
				.isGreaterThanOrEqualTo(expected.get(retry - 1))
				.isLessThan(Duration.ofSeconds(1));
		}
	}

	@Test
	void parkPolicyParksTheFailingEventWithItsCheckpointAndGoesOn() {
		appendDeposits(10);
		this.poisoned.put(4L, new AtomicInteger());
		this.poisoned.put(7L, new AtomicInteger());
		this.processors.register(ProcessorDefinition.builder("counts")
			.errorPolicy(ErrorPolicy.PARK)
			.retryPolicy(QUICK)
			.handler(countingHandler())
			.build());
		this.processors.start("counts");
		this.processors.awaitProcessed("counts", 10, WAIT);
		ProcessorStatus status = this.processors.status("counts");
		assertThat(status.state()).isEqualTo(ProcessorState.RUNNING);
		assertThat(status.checkpoint()).isEqualTo(10);
		assertThat(status.parkedCount()).isEqualTo(2);
		assertThat(status.eventsHandled()).isEqualTo(10);
		assertThat(this.handled).containsExactly(1L, 2L, 3L, 5L, 6L, 8L, 9L, 10L);
		assertThat(this.processors.projections().get("counts", "account-1", Long.class)).contains(8L);
		assertThat(this.processors.projections().get("seen", "4", Long.class)).isEmpty();
		List<ParkedEvent> parked = this.processors.parked("counts");
		assertThat(parked).extracting(ParkedEvent::position).containsExactly(4L, 7L);
		ParkedEvent first = parked.get(0);
		RecordedEvent event = this.varve.readEvent(4).orElseThrow();
		assertThat(first.eventId()).isEqualTo(event.id());
		assertThat(first.stream()).isEqualTo("account-1");
		assertThat(first.eventType()).isEqualTo("Deposited");
		assertThat(first.error()).isEqualTo("poison at 4");
		assertThat(first.errorType()).isEqualTo(IllegalStateException.class.getName());
		assertThat(first.attempts()).isEqualTo(3);
		assertThat(first.processor()).isEqualTo("counts");
		assertThat(this.processors.parked("counts", 4, 10)).extracting(ParkedEvent::position).containsExactly(7L);
	}

	@Test
	void aParkedEventRetriedSuccessfullyLeavesTheListAndCommitsItsWrites() {
		appendDeposits(5);
		this.poisoned.put(2L, new AtomicInteger());
		startParkingWithoutRetries();
		this.processors.awaitProcessed("counts", 5, WAIT);
		assertThat(this.processors.retryParked("counts", 2)).isFalse();
		ParkedEvent again = this.processors.parked("counts").get(0);
		assertThat(again.attempts()).isEqualTo(2);
		assertThat(this.processors.status("counts").parkedCount()).isEqualTo(1);
		this.poisoned.clear();
		assertThat(this.processors.retryParked("counts", 2)).isTrue();
		assertThat(this.processors.parked("counts")).isEmpty();
		assertThat(this.processors.status("counts").parkedCount()).isZero();
		assertThat(this.processors.projections().get("counts", "account-1", Long.class)).contains(5L);
		assertThat(this.handled).containsExactly(1L, 3L, 4L, 5L, 2L);
		assertThatExceptionOfType(InvalidArgumentException.class)
			.isThrownBy(() -> this.processors.retryParked("counts", 2))
			.withMessageContaining("No event at position 2 is parked");
	}

	@Test
	void aDiscardedParkedEventIsGoneWithoutBeingHandled() {
		appendDeposits(3);
		this.poisoned.put(1L, new AtomicInteger());
		startParkingWithoutRetries();
		this.processors.awaitProcessed("counts", 3, WAIT);
		this.processors.discardParked("counts", 1);
		assertThat(this.processors.parked("counts")).isEmpty();
		assertThat(this.processors.status("counts").parkedCount()).isZero();
		assertThat(this.poisoned.get(1L)).hasValue(1);
		assertThatExceptionOfType(InvalidArgumentException.class)
			.isThrownBy(() -> this.processors.discardParked("counts", 1));
	}

	@Test
	void parkedEntriesSurviveARestartOfTheStore() {
		appendDeposits(3);
		this.poisoned.put(2L, new AtomicInteger());
		startParkingWithoutRetries();
		this.processors.awaitProcessed("counts", 3, WAIT);
		this.varve.close();
		this.varve = Varve.builder().path(this.dir).durability(Durability.NO_SYNC).open();
		this.processors = this.varve.processors();
		this.processors.register(ProcessorDefinition.builder("counts").handler(countingHandler()).build());
		assertThat(this.processors.status("counts").parkedCount()).isEqualTo(1);
		assertThat(this.processors.parked("counts")).extracting(ParkedEvent::position).containsExactly(2L);
	}

}

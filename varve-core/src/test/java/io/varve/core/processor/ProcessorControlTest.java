package io.varve.core.processor;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.varve.Durability;
import io.varve.ExpectedVersion;
import io.varve.InvalidArgumentException;
import io.varve.Varve;
import io.varve.core.processor.TestEvents.Deposited;
import io.varve.SettableClock;
import io.varve.processor.ErrorPolicy;
import io.varve.processor.EventHandler;
import io.varve.processor.ProcessorDefinition;
import io.varve.processor.ProcessorRegistry;
import io.varve.processor.ProcessorState;
import io.varve.processor.ProcessorStatus;
import io.varve.processor.ProcessorTimeoutException;
import io.varve.processor.ResetFailedException;
import io.varve.processor.RetryPolicy;
import io.varve.processor.UnknownProcessorException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class ProcessorControlTest {

	private static final Duration WAIT = Duration.ofSeconds(20);

	@TempDir
	Path dir;

	private final SettableClock clock = new SettableClock();

	private Varve varve;

	private ProcessorRegistry processors;

	private final List<Long> handled = Collections.synchronizedList(new ArrayList<>());

	@BeforeEach
	void open() {
		this.varve = Varve.builder()
			.path(this.dir)
			.durability(Durability.NO_SYNC)
			.clock(this.clock)
			.eventTypes(Deposited.class)
			.open();
		this.processors = this.varve.processors();
	}

	@AfterEach
	void close() {
		this.varve.close();
	}

	private EventHandler summing() {
		return (event, context) -> {
			long total = context.projections().get("totals", "all", Long.class).orElse(0L);
			context.projections().put("totals", "all", total + ((Deposited) event.data()).amount());
			this.handled.add(event.position());
		};
	}

	private long total() {
		return this.processors.projections().get("totals", "all", Long.class).orElse(0L);
	}

	@Test
	void aPausedProcessorHandlesNothingUntilResumed() throws Exception {
		this.processors.register(ProcessorDefinition.builder("sum").handler(summing()).build());
		this.processors.start("sum");
		this.processors.pause("sum");
		assertThat(this.processors.status("sum").state()).isEqualTo(ProcessorState.PAUSED);
		long last = this.varve.append("account-1", ExpectedVersion.any(), TestEvents.deposits(10, 1)).lastPosition();
		ProcessorRunner runner = ((DefaultProcessorRegistry) this.processors).runner("sum");
		ProcessorCatchUpTest.awaitIdle(runner);
		assertThat(this.handled).isEmpty();
		assertThatExceptionOfType(ProcessorTimeoutException.class)
			.isThrownBy(() -> this.processors.awaitProcessed("sum", last, Duration.ofMillis(50)))
			.withMessageContaining("PAUSED at checkpoint 0");
		this.processors.resume("sum");
		this.processors.awaitProcessed("sum", last, WAIT);
		assertThat(total()).isEqualTo(10);
		assertThat(this.processors.status("sum").state()).isEqualTo(ProcessorState.RUNNING);
	}

	@Test
	void pauseReturnsOnlyAfterTheBatchInHandHasCommitted() throws Exception {
		CountDownLatch inHandler = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		this.varve.append("account-1", ExpectedVersion.any(), TestEvents.deposits(3, 1));
		this.processors.register(ProcessorDefinition.builder("slow").handler((event, context) -> {
			inHandler.countDown();
			release.await();
			summing().handle(event, context);
		}).build());
		this.processors.start("slow");
		assertThat(inHandler.await(10, TimeUnit.SECONDS)).isTrue();
		// On another thread, whose failure get() hands to the test.
		CompletableFuture<Void> pause = CompletableFuture.runAsync(() -> this.processors.pause("slow"));
		release.countDown();
		pause.get(10, TimeUnit.SECONDS);
		ProcessorStatus status = this.processors.status("slow");
		assertThat(status.state()).isEqualTo(ProcessorState.PAUSED);
		assertThat(status.checkpoint()).isEqualTo(3);
		assertThat(total()).isEqualTo(3);
	}

	@Test
	void resetReplaysFromTheBeginningAfterTheCallbackClearsTheProjectionInTheSameCommit() {
		AtomicLong resetFrom = new AtomicLong(-1);
		this.processors.register(ProcessorDefinition.builder("sum").handler(summing()).onReset((store, from) -> {
			resetFrom.set(from);
			assertThat(store.get("totals", "all", Long.class)).contains(10L);
			store.clear("totals");
			assertThat(store.get("totals", "all", Long.class)).isEmpty();
		}).build());
		this.processors.start("sum");
		long last = this.varve.append("account-1", ExpectedVersion.any(), TestEvents.deposits(10, 1)).lastPosition();
		this.processors.awaitProcessed("sum", last, WAIT);
		this.processors.reset("sum", 0);
		assertThat(resetFrom).hasValue(1);
		this.processors.awaitProcessed("sum", last, WAIT);
		assertThat(total()).isEqualTo(10);
		assertThat(this.handled).hasSize(20);
		assertThat(this.handled.subList(10, 20))
			.containsExactlyElementsOf(LongStream.rangeClosed(1, 10).boxed().toList());
	}

	@Test
	void resetToAPositionReplaysFromThereAndForgetsParkedEventsFromThereOn() {
		this.varve.append("account-1", ExpectedVersion.any(), TestEvents.deposits(10, 1));
		AtomicInteger failures = new AtomicInteger();
		this.processors.register(ProcessorDefinition.builder("sum")
			.errorPolicy(ErrorPolicy.PARK)
			.retryPolicy(RetryPolicy.none())
			.handler((event, context) -> {
				if ((event.position() == 3 || event.position() == 8) && failures.getAndIncrement() < 2) {
					throw new IllegalStateException("first time");
				}
				summing().handle(event, context);
			})
			.build());
		this.processors.start("sum");
		this.processors.awaitProcessed("sum", 10, WAIT);
		assertThat(this.processors.status("sum").parkedCount()).isEqualTo(2);
		this.handled.clear();
		this.processors.reset("sum", 6);
		this.processors.awaitProcessed("sum", 10, WAIT);
		assertThat(this.handled).containsExactly(6L, 7L, 8L, 9L, 10L);
		assertThat(this.processors.parked("sum")).extracting((parked) -> parked.position()).containsExactly(3L);
		assertThat(this.processors.status("sum").parkedCount()).isEqualTo(1);
	}

	@Test
	void aFailingResetCallbackChangesNothing() {
		this.processors.register(ProcessorDefinition.builder("sum").handler(summing()).onReset((store, from) -> {
			store.clear("totals");
			throw new IllegalStateException("no");
		}).build());
		this.processors.start("sum");
		this.varve.append("account-1", ExpectedVersion.any(), TestEvents.deposits(4, 1));
		this.processors.awaitProcessed("sum", 4, WAIT);
		assertThatExceptionOfType(ResetFailedException.class).isThrownBy(() -> this.processors.reset("sum", 0))
			.withMessageContaining("nothing changed");
		assertThat(this.processors.status("sum").checkpoint()).isEqualTo(4);
		assertThat(total()).isEqualTo(4);
		assertThatExceptionOfType(InvalidArgumentException.class).isThrownBy(() -> this.processors.reset("sum", 6))
			.withMessageContaining("between 0");
	}

	@Test
	void aProcessorBehindWithoutProgressForItsStallTimeoutIsStalled() throws Exception {
		CountDownLatch inHandler = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		this.processors.register(
				ProcessorDefinition.builder("stuck").stallTimeout(Duration.ofSeconds(30)).handler((event, context) -> {
					inHandler.countDown();
					release.await();
				}).build());
		this.processors.start("stuck");
		this.clock.advance(Duration.ofHours(1));
		// Idle for an hour and caught up: not stalled.
		assertThat(this.processors.status("stuck").state()).isEqualTo(ProcessorState.RUNNING);
		this.varve.append("account-1", ExpectedVersion.any(), TestEvents.deposits(2, 1));
		assertThat(inHandler.await(10, TimeUnit.SECONDS)).isTrue();
		this.clock.advance(Duration.ofSeconds(29));
		ProcessorStatus behind = this.processors.status("stuck");
		assertThat(behind.state()).isEqualTo(ProcessorState.RUNNING);
		assertThat(behind.lag()).isEqualTo(2);
		assertThat(behind.oldestUnhandledAge()).isEqualTo(Duration.ofSeconds(29));
		this.clock.advance(Duration.ofSeconds(1));
		assertThat(this.processors.status("stuck").state()).isEqualTo(ProcessorState.STALLED);
		release.countDown();
		this.processors.awaitProcessed("stuck", 2, WAIT);
		ProcessorStatus moving = this.processors.status("stuck");
		assertThat(moving.state()).isEqualTo(ProcessorState.RUNNING);
		assertThat(moving.oldestUnhandledAge()).isZero();
	}

	@Test
	void aProcessorMoreThanABatchBehindIsCatchingUpEvenAfterItWasLive() throws Exception {
		CountDownLatch inHandler = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		this.processors.register(ProcessorDefinition.builder("audit").batchSize(10).handler((event, context) -> {
			if (event.position() == 1) {
				inHandler.countDown();
				release.await();
			}
		}).build());
		this.processors.start("audit");
		ProcessorCatchUpTest.awaitIdle(((DefaultProcessorRegistry) this.processors).runner("audit"));
		// Live: at the head of the empty log.
		assertThat(this.processors.status("audit").state()).isEqualTo(ProcessorState.RUNNING);
		try {
			this.varve.append("account-1", ExpectedVersion.any(), new Deposited(1));
			assertThat(inHandler.await(10, TimeUnit.SECONDS)).isTrue();
			this.varve.append("account-1", ExpectedVersion.any(), TestEvents.deposits(9, 1));
			ProcessorStatus oneBatchBehind = this.processors.status("audit");
			assertThat(oneBatchBehind.lag()).isEqualTo(10);
			assertThat(oneBatchBehind.state()).isEqualTo(ProcessorState.RUNNING);
			// A burst puts it more than a batch behind: that is catching up, live or not.
			this.varve.append("account-1", ExpectedVersion.any(), new Deposited(1));
			ProcessorStatus behind = this.processors.status("audit");
			assertThat(behind.lag()).isEqualTo(11);
			assertThat(behind.state()).isEqualTo(ProcessorState.CATCHING_UP);
		}
		finally {
			release.countDown();
		}
		this.processors.awaitProcessed("audit", 11, WAIT);
		ProcessorStatus caughtUp = this.processors.status("audit");
		assertThat(caughtUp.lag()).isZero();
		assertThat(caughtUp.state()).isEqualTo(ProcessorState.RUNNING);
	}

	@Test
	void aProcessorStartingWithinOneBatchOfTheHeadIsRunningAndFurtherBehindIsCatchingUp() throws Exception {
		CountDownLatch inHandler = new CountDownLatch(2);
		CountDownLatch release = new CountDownLatch(1);
		EventHandler holdsFirstEvent = (event, context) -> {
			if (event.position() == 1) {
				inHandler.countDown();
				release.await();
			}
		};
		this.varve.append("account-1", ExpectedVersion.any(), TestEvents.deposits(10, 1));
		this.processors.register(ProcessorDefinition.builder("near").batchSize(10).handler(holdsFirstEvent).build());
		this.processors.register(ProcessorDefinition.builder("far").batchSize(9).handler(holdsFirstEvent).build());
		this.processors.startAll();
		try {
			assertThat(inHandler.await(10, TimeUnit.SECONDS)).isTrue();
			assertThat(this.processors.status("near").state()).isEqualTo(ProcessorState.RUNNING);
			assertThat(this.processors.status("far").state()).isEqualTo(ProcessorState.CATCHING_UP);
		}
		finally {
			release.countDown();
		}
		this.processors.awaitProcessed("near", 10, WAIT);
		this.processors.awaitProcessed("far", 10, WAIT);
		assertThat(this.processors.status("far").state()).isEqualTo(ProcessorState.RUNNING);
	}

	@Test
	void awaitProcessedTimesOutWithATypedExceptionThatSaysWhereTheProcessorIs() {
		this.processors.register(ProcessorDefinition.builder("idle").handler(summing()).build());
		this.varve.append("account-1", ExpectedVersion.any(), new Deposited(1));
		assertThatExceptionOfType(ProcessorTimeoutException.class)
			.isThrownBy(() -> this.processors.awaitProcessed("idle", 1, Duration.ofMillis(20)))
			.withMessageContaining("STOPPED at checkpoint 0")
			.withMessageContaining("start(\"idle\")");
		assertThatExceptionOfType(UnknownProcessorException.class)
			.isThrownBy(() -> this.processors.awaitProcessed("nope", 1, WAIT))
			.withMessageContaining("[idle]");
	}

	@Test
	void stopLetsTheBatchInHandCommitAndStartResumesFromThere() throws Exception {
		CountDownLatch inHandler = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		this.varve.append("account-1", ExpectedVersion.any(), TestEvents.deposits(5, 1));
		this.processors.register(ProcessorDefinition.builder("sum").batchSize(5).handler((event, context) -> {
			if (event.position() == 1) {
				inHandler.countDown();
				release.await();
			}
			summing().handle(event, context);
		}).build());
		this.processors.start("sum");
		assertThat(inHandler.await(10, TimeUnit.SECONDS)).isTrue();
		CompletableFuture<Void> stop = CompletableFuture.runAsync(() -> this.processors.stop("sum"));
		release.countDown();
		stop.get(10, TimeUnit.SECONDS);
		assertThat(this.processors.status("sum").state()).isEqualTo(ProcessorState.STOPPED);
		assertThat(this.processors.status("sum").checkpoint()).isEqualTo(5);
		assertThat(total()).isEqualTo(5);
		this.varve.append("account-1", ExpectedVersion.any(), TestEvents.deposits(2, 1));
		this.processors.start("sum");
		this.processors.awaitProcessed("sum", 7, WAIT);
		assertThat(this.handled).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
	}

}

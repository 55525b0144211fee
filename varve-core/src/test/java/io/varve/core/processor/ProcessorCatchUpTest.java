package io.varve.core.processor;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.varve.AppendResult;
import io.varve.Durability;
import io.varve.ExpectedVersion;
import io.varve.RecordedEvent;
import io.varve.Varve;
import io.varve.core.processor.TestEvents.Deposited;
import io.varve.processor.ProcessorDefinition;
import io.varve.processor.ProcessorRegistry;
import io.varve.processor.ProcessorState;
import io.varve.processor.ProcessorStatus;
import io.varve.processor.StartPosition;

import static org.assertj.core.api.Assertions.assertThat;

class ProcessorCatchUpTest {

	private static final Duration WAIT = Duration.ofSeconds(30);

	@TempDir
	Path dir;

	private Varve varve;

	private ProcessorRegistry processors;

	@BeforeEach
	void open() {
		this.varve = Varve.builder().path(this.dir).durability(Durability.NO_SYNC).eventTypes(Deposited.class).open();
		this.processors = this.varve.processors();
	}

	@AfterEach
	void close() {
		this.varve.close();
	}

	@Test
	void catchesUpOnALargeBacklogInBatchesAndEndsCaughtUp() {
		for (int i = 0; i < 100; i++) {
			this.varve.append("account-" + i, ExpectedVersion.any(), TestEvents.deposits(1000, 1));
		}
		AtomicLong handled = new AtomicLong();
		AtomicLong sum = new AtomicLong();
		this.processors.register(ProcessorDefinition.builder("totals").handler((event, context) -> {
			handled.incrementAndGet();
			sum.addAndGet(((Deposited) event.data()).amount());
		}).build());
		this.processors.start("totals");
		this.processors.awaitProcessed("totals", 100_000, WAIT);
		assertThat(handled).hasValue(100_000);
		assertThat(sum).hasValue(100_000);
		ProcessorStatus status = this.processors.status("totals");
		assertThat(status.checkpoint()).isEqualTo(100_000);
		assertThat(status.lag()).isZero();
		assertThat(status.eventsHandled()).isEqualTo(100_000);
		assertThat(status.oldestUnhandledAge()).isZero();
	}

	@Test
	void deliversNewEventsAsTheyCommitWhileItsThreadWaitsWithoutPolling() throws Exception {
		BlockingQueue<RecordedEvent> delivered = new ArrayBlockingQueue<>(10);
		this.processors
			.register(ProcessorDefinition.builder("live").handler((event, context) -> delivered.add(event)).build());
		this.processors.start("live");
		ProcessorRunner runner = ((DefaultProcessorRegistry) this.processors).runner("live");
		awaitIdle(runner);
		// Parked with no deadline: it waits for a commit, it does not poll.
		assertThat(runner.signals().thread().getState()).isEqualTo(Thread.State.WAITING);
		long before = System.nanoTime();
		AppendResult appended = this.varve.append("account-1", ExpectedVersion.any(), new Deposited(5));
		RecordedEvent event = delivered.poll(10, TimeUnit.SECONDS);
		long latencyMicros = (System.nanoTime() - before) / 1000;
		assertThat(event).isNotNull();
		assertThat(event.position()).isEqualTo(appended.lastPosition());
		System.out.println("Live delivery latency (append call to handler): " + latencyMicros + " µs");
		this.processors.awaitProcessed("live", appended.lastPosition(), WAIT);
		assertThat(this.processors.status("live").state()).isEqualTo(ProcessorState.RUNNING);
	}

	@Test
	void seesEventsInGlobalPositionOrderWhenManyThreadsAppend() throws Exception {
		List<Long> positions = Collections.synchronizedList(new ArrayList<>());
		this.processors.register(ProcessorDefinition.builder("order")
			.batchSize(7)
			.handler((event, context) -> positions.add(event.position()))
			.build());
		this.processors.start("order");
		ExecutorService pool = Executors.newFixedThreadPool(4);
		try {
			List<Future<?>> writers = new ArrayList<>();
			for (int t = 0; t < 4; t++) {
				String stream = "account-" + t;
				writers.add(pool.submit(() -> {
					for (int i = 0; i < 250; i++) {
						this.varve.append(stream, ExpectedVersion.any(), TestEvents.deposits(2, 1));
					}
				}));
			}
			for (Future<?> writer : writers) {
				writer.get(30, TimeUnit.SECONDS);
			}
		}
		finally {
			pool.shutdownNow();
		}
		this.processors.awaitProcessed("order", 2000, WAIT);
		assertThat(positions).containsExactlyElementsOf(LongStream.rangeClosed(1, 2000).boxed().toList());
	}

	@Test
	void startsAfterTheCurrentHeadWhenItsStartPositionIsTheEnd() throws Exception {
		this.varve.append("account-1", ExpectedVersion.any(), TestEvents.deposits(10, 1));
		List<Long> positions = Collections.synchronizedList(new ArrayList<>());
		CountDownLatch one = new CountDownLatch(1);
		this.processors
			.register(ProcessorDefinition.builder("tail").startPosition(StartPosition.END).handler((event, context) -> {
				positions.add(event.position());
				one.countDown();
			}).build());
		this.processors.start("tail");
		assertThat(this.processors.status("tail").checkpoint()).isEqualTo(10);
		this.varve.append("account-1", ExpectedVersion.any(), new Deposited(1));
		assertThat(one.await(10, TimeUnit.SECONDS)).isTrue();
		this.processors.awaitProcessed("tail", 11, WAIT);
		assertThat(positions).containsExactly(11L);
	}

	static void awaitIdle(ProcessorRunner runner) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (!(runner.signals().isIdle() && runner.signals().thread() != null
				&& runner.signals().thread().getState() == Thread.State.WAITING)) {
			assertThat(System.nanoTime()).as("processor went idle in time").isLessThan(deadline);
			Thread.onSpinWait();
			Thread.sleep(1);
		}
	}

}

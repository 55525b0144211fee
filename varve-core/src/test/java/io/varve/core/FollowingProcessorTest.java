package io.varve.core;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.varve.ExpectedVersion;
import io.varve.Varve;
import io.varve.processor.ProcessorDefinition;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Processors read what the writer has published and are woken by its publishes, so that a
 * processor following the log does not end the writer's batches with its reads (each read
 * passing the read barrier would have the writer publish); while one waits at the head,
 * batches are published within {@code FOLLOWED_PUBLISH_NANOS}.
 */
class FollowingProcessorTest {

	@TempDir
	Path dir;

	record Deposited(long amount) {
	}

	@Test
	void aProcessorAtTheHeadSeesAppendsInTheWritersOpenBatchWithoutAnyReadAskingForThem() throws Exception {
		try (DefaultVarve varve = (DefaultVarve) Varve.open(this.dir)) {
			// Without a processor waiting, the batch would stay open for an hour.
			varve.groupWriter().publishInterval(Duration.ofHours(1));
			Semaphore handled = new Semaphore(0);
			varve.processors()
				.register(
						ProcessorDefinition.builder("follower").handler((event, context) -> handled.release()).build());
			varve.processors().start("follower");
			for (int i = 1; i <= 20; i++) {
				// Queued, so the writer thread commits it into its batch: acknowledged,
				// not published.
				varve.appendAsync("account-1", ExpectedVersion.any(), new Deposited(i)).get(10, TimeUnit.SECONDS);
				assertThat(handled.tryAcquire(10, TimeUnit.SECONDS)).as("append %d handled", i).isTrue();
			}
			assertThat(handled.availablePermits()).as("events handled twice").isZero();
		}
	}

	@Test
	void aProcessorFollowingManyWritersDoesNotEndTheWritersBatches() throws Exception {
		try (DefaultVarve varve = (DefaultVarve) Varve.open(this.dir)) {
			AtomicLong handled = new AtomicLong();
			varve.processors()
				.register(ProcessorDefinition.builder("counter")
					.handler((event, context) -> handled.incrementAndGet())
					.build());
			varve.processors().start("counter");
			AtomicInteger groups = new AtomicInteger();
			AtomicInteger publishes = new AtomicInteger();
			varve.groupWriter().addListener((commit) -> groups.incrementAndGet());
			varve.groupWriter().addPublishListener(publishes::incrementAndGet);

			int writers = 8;
			int appends = 400;
			long started = System.nanoTime();
			List<Thread> threads = new ArrayList<>();
			for (int w = 0; w < writers; w++) {
				String stream = "account-" + w;
				Thread thread = new Thread(() -> {
					for (int i = 0; i < appends; i++) {
						varve.append(stream, ExpectedVersion.exact(i), new Deposited(i));
					}
				});
				thread.start();
				threads.add(thread);
			}
			for (Thread thread : threads) {
				thread.join();
			}
			long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
			int publishedDuringLoad = publishes.get();
			int groupsDuringLoad = groups.get();
			varve.processors().awaitProcessed("counter", varve.headPosition(), Duration.ofSeconds(30));

			assertThat(handled.get()).as("events handled, each once").isEqualTo((long) writers * appends);
			// At most one publish per 5 ms of a batch followed by the processor, and one
			// commit of a lone caller's own before the writer opens the next batch: when
			// each of the processor's reads had the writer publish, there was about one
			// per group.
			assertThat(publishedDuringLoad)
				.as("publishes during %d ms of load, %d groups", elapsedMillis, groupsDuringLoad)
				.isLessThanOrEqualTo((int) (2 * elapsedMillis / 5) + 10);
		}
	}

	@Test
	void aProjectionFollowingConcurrentWritersCountsEveryEventOnce() throws Exception {
		try (Varve varve = Varve.open(this.dir)) {
			varve.processors().register(ProcessorDefinition.builder("totals").handler((event, context) -> {
				long total = context.projections().get("totals", event.stream(), Long.class).orElse(0L);
				context.projections().put("totals", event.stream(), total + ((Deposited) event.data()).amount());
			}).build());
			varve.processors().start("totals");
			int writers = 6;
			int appends = 300;
			List<Thread> threads = new ArrayList<>();
			for (int w = 0; w < writers; w++) {
				String stream = "account-" + w;
				Thread thread = new Thread(() -> {
					for (int i = 1; i <= appends; i++) {
						varve.append(stream, ExpectedVersion.exact(i - 1), new Deposited(i));
						if (i % 50 == 0) {
							// A query that reads its own write, now and then, as an
							// application does.
							varve.processors()
								.awaitProcessed("totals", varve.streamInfo(stream).orElseThrow().lastPosition(),
										Duration.ofSeconds(30));
						}
					}
				});
				thread.start();
				threads.add(thread);
			}
			for (Thread thread : threads) {
				thread.join();
			}
			varve.processors().awaitProcessed("totals", varve.headPosition(), Duration.ofSeconds(30));
			long expected = (long) appends * (appends + 1) / 2;
			for (int w = 0; w < writers; w++) {
				assertThat(varve.processors().projections().get("totals", "account-" + w, Long.class))
					.as("total of account-%d", w)
					.contains(expected);
			}
		}
	}

}

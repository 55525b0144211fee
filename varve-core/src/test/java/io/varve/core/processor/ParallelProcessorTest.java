package io.varve.core.processor;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.varve.ExpectedVersion;
import io.varve.InvalidArgumentException;
import io.varve.RecordedEvent;
import io.varve.StreamInfo;
import io.varve.Varve;
import io.varve.core.processor.TestEvents.Deposited;
import io.varve.processor.ErrorPolicy;
import io.varve.processor.ParkedEvent;
import io.varve.processor.ProcessorContext;
import io.varve.processor.ProcessorDefinition;
import io.varve.processor.ProcessorRegistry;
import io.varve.processor.ProcessorState;
import io.varve.processor.ProjectionEntry;
import io.varve.processor.RetryPolicy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Processors with concurrency above 1: a batch's events are split by stream over threads;
 * per-stream order, exactly-once projections, the error policies and the exact checkpoint
 * hold as with one thread, also across SIGKILL.
 */
class ParallelProcessorTest {

	private static final Duration WAIT = Duration.ofSeconds(60);

	private static final int STREAMS = 24;

	@TempDir
	Path dir;

	private Varve varve;

	/** The threads the handler ran on. */
	private final Set<String> threads = ConcurrentHashMap.newKeySet();

	/** Positions the handler fails on. */
	private final Set<Long> poisoned = ConcurrentHashMap.newKeySet();

	private final Map<Long, Integer> attempts = new ConcurrentHashMap<>();

	@AfterEach
	void close() {
		if (this.varve != null) {
			this.varve.close();
		}
	}

	private ProcessorRegistry open() {
		this.varve = Varve.builder().path(this.dir.resolve("store")).eventTypes(Deposited.class).open();
		return this.varve.processors();
	}

	private long append(int events) {
		long last = 0;
		for (int i = 0; i < events; i++) {
			last = this.varve.append("account-" + (i % STREAMS), ExpectedVersion.any(), TestEvents.deposits(1, i))
				.lastPosition();
		}
		return last;
	}

	/** Per stream: the versions in order (out-of-order ones noted), a count and a sum. */
	private void perStream(RecordedEvent event, ProcessorContext context) {
		this.threads.add(Thread.currentThread().getName());
		this.attempts.merge(event.position(), 1, Integer::sum);
		if (this.poisoned.contains(event.position())) {
			throw new IllegalStateException("poisoned " + event.position());
		}
		var store = context.projections();
		long last = store.get("last", event.stream(), Long.class).orElse(0L);
		if (event.version() != last + 1) {
			store.put("out-of-order", event.stream() + "@" + event.version(), last);
		}
		store.put("last", event.stream(), event.version());
		long amount = ((Deposited) event.data()).amount();
		store.put("sum", event.stream(), store.get("sum", event.stream(), Long.class).orElse(0L) + amount);
	}

	private Map<String, Long> table(ProcessorRegistry processors, String table) {
		Map<String, Long> entries = new java.util.TreeMap<>();
		for (ProjectionEntry<Long> entry : processors.projections().list(table, null, 10_000, Long.class)) {
			entries.put(entry.key(), entry.value());
		}
		return entries;
	}

	private Map<String, Long> expectedSums(int events, Set<Long> skipped) {
		Map<String, Long> sums = new java.util.TreeMap<>();
		for (int i = 0; i < events; i++) {
			if (!skipped.contains((long) i + 1)) {
				sums.merge("account-" + (i % STREAMS), (long) i, Long::sum);
			}
		}
		return sums;
	}

	@Test
	void eventsAreSplitByStreamOverThreadsInOrderAndExactlyOnce() {
		ProcessorRegistry processors = open();
		long head = append(6000);
		processors.register(
				ProcessorDefinition.builder("accounts").concurrency(3).batchSize(300).handler(this::perStream).build());
		processors.start("accounts");
		processors.awaitProcessed("accounts", head, WAIT);
		assertThat(this.threads).as("handled on the processor's thread and its helpers")
			.hasSizeGreaterThan(1)
			.allMatch((name) -> name.startsWith("varve-processor[accounts]"));
		assertThat(table(processors, "out-of-order")).isEmpty();
		assertThat(table(processors, "sum")).isEqualTo(expectedSums(6000, Set.of()));
		assertThat(this.attempts.values()).as("each event handled once").allMatch((n) -> n == 1);
		var status = processors.status("accounts");
		assertThat(status.checkpoint()).isEqualTo(head);
		assertThat(status.lag()).isZero();
		assertThat(status.eventsHandled()).isEqualTo(6000);
	}

	@Test
	void aHandlerWhoseStreamsShareAKeyGetsTheResultOfOneThread() {
		ProcessorRegistry processors = open();
		long head = append(3000);
		processors
			.register(ProcessorDefinition.builder("total").concurrency(2).batchSize(200).handler((event, context) -> {
				this.threads.add(Thread.currentThread().getName());
				var store = context.projections();
				// One key for all streams: the threads' work depends on each other.
				store.put("total", "all", store.get("total", "all", Long.class).orElse(0L) + 1);
				store.put("total", "last", event.position());
			}).build());
		processors.start("total");
		processors.awaitProcessed("total", head, WAIT);
		assertThat(table(processors, "total")).containsEntry("all", 3000L).containsEntry("last", head);
	}

	@Test
	void parkingAndRetriesFollowThePolicyAsWithOneThread() {
		ProcessorRegistry processors = open();
		this.poisoned.addAll(List.of(100L, 1234L));
		long head = append(3000);
		processors.register(ProcessorDefinition.builder("accounts")
			.concurrency(2)
			.batchSize(250)
			.errorPolicy(ErrorPolicy.PARK)
			.retryPolicy(RetryPolicy.of(3, Duration.ofMillis(1), Duration.ofMillis(1), 1.0))
			.handler(this::perStream)
			.build());
		processors.start("accounts");
		processors.awaitProcessed("accounts", head, WAIT);
		assertThat(processors.parked("accounts")).extracting(ParkedEvent::position).containsExactly(100L, 1234L);
		// The parallel attempt tries once, then the batch is handled on one thread with
		// the
		// policy's three attempts.
		assertThat(this.attempts).containsEntry(100L, 4).containsEntry(1234L, 4);
		assertThat(processors.status("accounts").errors()).isEqualTo(6);
		assertThat(table(processors, "sum")).isEqualTo(expectedSums(3000, Set.of(100L, 1234L)));
	}

	@Test
	void underStopTheProcessorFailsAtTheEventWithNothingAfterItCommitted() {
		ProcessorRegistry processors = open();
		this.poisoned.add(777L);
		long head = append(2000);
		processors.register(ProcessorDefinition.builder("accounts")
			.concurrency(2)
			.batchSize(500)
			.retryPolicy(RetryPolicy.none())
			.handler(this::perStream)
			.build());
		processors.start("accounts");
		assertThatExceptionOfType(io.varve.processor.ProcessorFailedException.class)
			.isThrownBy(() -> processors.awaitProcessed("accounts", head, WAIT));
		var status = processors.status("accounts");
		assertThat(status.state()).isEqualTo(ProcessorState.FAILED);
		assertThat(status.checkpoint()).isEqualTo(776);
		assertThat(status.lastError().position()).isEqualTo(777);
		Map<String, Long> sums = table(processors, "sum");
		assertThat(sums).isEqualTo(expectedSums(776, Set.of()));
	}

	@Test
	void concurrencyIsCheckedWhenTheProcessorIsDefined() {
		assertThatExceptionOfType(InvalidArgumentException.class)
			.isThrownBy(() -> ProcessorDefinition.builder("p").concurrency(0))
			.withMessage("Concurrency of processor 'p' must be 1 to 64, got 0");
		assertThatExceptionOfType(InvalidArgumentException.class)
			.isThrownBy(() -> ProcessorDefinition.builder("p").concurrency(65));
		assertThatExceptionOfType(InvalidArgumentException.class).isThrownBy(() -> ProcessorDefinition.builder("p")
			.concurrency(2)
			.errorPolicy(ErrorPolicy.PARK_STREAM)
			.handler((event, context) -> {
			})
			.build()).withMessageContaining("PARK_STREAM");
		assertThatExceptionOfType(InvalidArgumentException.class)
			.isThrownBy(() -> ProcessorDefinition.builder("p").concurrency(2).barrier((last, attempt) -> {
			}).handler((event, context) -> {
			}).build())
			.withMessageContaining("batch barrier");
		assertThat(ProcessorDefinition.builder("p").handler((event, context) -> {
		}).build().concurrency()).isEqualTo(1);
	}

	@Test
	@Timeout(value = 3, unit = TimeUnit.MINUTES)
	void perStreamOrderAndExactlyOnceHoldAcrossKillsMidBatch() throws Exception {
		Path store = this.dir.resolve("store");
		List<Long> resumedAt = new ArrayList<>();
		for (int round = 0; round < 4; round++) {
			String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
			ProcessBuilder builder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
					ParallelCrashChild.class.getName(), store.toString());
			builder.redirectError(ProcessBuilder.Redirect.appendTo(this.dir.resolve("child.err").toFile()));
			Process child = builder.start();
			try (BufferedReader out = new BufferedReader(
					new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
				String line = out.readLine();
				assertThat(line).as("child output, see " + this.dir.resolve("child.err")).startsWith("RESUME ");
				resumedAt.add(Long.parseLong(line.substring(7)));
				line = out.readLine();
				assertThat(line).as("child output, see " + this.dir.resolve("child.err")).startsWith("MIDBATCH ");
				child.destroyForcibly();
				assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
			}
			finally {
				child.destroyForcibly();
			}
		}
		assertThat(resumedAt).isSorted();
		assertThat(resumedAt.get(resumedAt.size() - 1)).isPositive();
		this.varve = Varve.builder().path(store).eventTypes(Deposited.class).open();
		ProcessorRegistry processors = this.varve.processors();
		processors.register(ParallelCrashChild.perStream(false));
		processors.start("per-stream");
		long head = this.varve.headPosition();
		processors.awaitProcessed("per-stream", head, WAIT);
		assertThat(table(processors, "out-of-order")).isEmpty();
		List<StreamInfo> streams = this.varve.listStreams("account-", null, 100);
		assertThat(streams).hasSize(ParallelCrashChild.STREAMS);
		long total = 0;
		for (StreamInfo stream : streams) {
			assertThat(processors.projections().get("count", stream.stream(), Long.class))
				.as("count of " + stream.stream())
				.contains(stream.version());
			assertThat(processors.projections().get("last", stream.stream(), Long.class)).contains(stream.version());
			total += stream.version();
		}
		assertThat(total).isEqualTo(head);
	}

}

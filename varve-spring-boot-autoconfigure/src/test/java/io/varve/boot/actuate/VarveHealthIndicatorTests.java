package io.varve.boot.actuate;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import io.varve.Durability;
import io.varve.ExpectedVersion;
import io.varve.Varve;
import io.varve.core.DefaultVarve;
import io.varve.processor.ErrorPolicy;
import io.varve.processor.ProcessorDefinition;
import io.varve.processor.ProcessorFailedException;
import io.varve.processor.ProcessorRegistry;
import io.varve.processor.ProcessorState;
import io.varve.processor.ProcessorStatus;
import io.varve.processor.RetryPolicy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class VarveHealthIndicatorTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	@TempDir
	Path dir;

	private final MutableClock clock = new MutableClock();

	private final CountDownLatch inHandler = new CountDownLatch(1);

	private final CountDownLatch release = new CountDownLatch(1);

	private Varve varve;

	private ProcessorRegistry processors;

	record Noted(String text) {
	}

	@BeforeEach
	void open() {
		this.varve = Varve.builder().path(this.dir).durability(Durability.NO_SYNC).clock(this.clock).open();
		this.processors = this.varve.processors();
	}

	@AfterEach
	void close() {
		this.release.countDown();
		this.varve.close();
	}

	private Health health(List<String> watched, double maxCapacityUsage) {
		return new VarveHealthIndicator(this.varve, watched, maxCapacityUsage).health(true);
	}

	private void failing(String name) {
		this.processors.register(ProcessorDefinition.builder(name)
			.retryPolicy(RetryPolicy.none())
			.errorPolicy(ErrorPolicy.STOP)
			.handler((event, context) -> {
				throw new IllegalStateException("cannot");
			})
			.build());
	}

	private void blocking(String name) {
		this.processors.register(
				ProcessorDefinition.builder(name).stallTimeout(Duration.ofSeconds(30)).handler((event, context) -> {
					this.inHandler.countDown();
					this.release.await();
				}).build());
	}

	@Test
	void isUpWithTheHeadPositionAndMapUsage() {
		this.varve.append("note-1", ExpectedVersion.any(), new Noted("a"), new Noted("b"));
		Health health = health(List.of(), 0.9);
		assertThat(health.getStatus()).isEqualTo(Status.UP);
		assertThat(health.getDetails()).containsEntry("headPosition", 2L)
			.containsEntry("mapUsage", this.varve.storeInfo().mapUsage())
			.containsEntry("capacityUsage", this.varve.storeInfo().capacityUsage())
			.containsEntry("processors", Map.of())
			.doesNotContainKey("problems");
	}

	@Test
	void isDownWhenTheStoreIsClosed() {
		this.varve.close();
		Health health = health(List.of(), 0.9);
		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat(health.getDetails()).containsEntry("error", "store closed");
	}

	@Test
	void isDownWhenAProcessorIsFailedAndSaysWhere() {
		failing("mailer");
		this.varve.append("note-1", ExpectedVersion.any(), new Noted("a"));
		this.processors.start("mailer");
		assertThatExceptionOfType(ProcessorFailedException.class)
			.isThrownBy(() -> this.processors.awaitProcessed("mailer", 1, WAIT));
		Health health = health(List.of(), 0.9);
		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat(health.getDetails()).containsEntry("processors", Map.of("mailer", "FAILED"))
			.containsEntry("problems", List.of("processor 'mailer' is FAILED: at position 1: cannot"));
	}

	@Test
	void countsOnlyTheWatchedProcessors() {
		failing("mailer");
		this.processors.register(ProcessorDefinition.builder("ledger").handler((event, context) -> {
		}).build());
		this.varve.append("note-1", ExpectedVersion.any(), new Noted("a"));
		this.processors.startAll();
		assertThatExceptionOfType(ProcessorFailedException.class)
			.isThrownBy(() -> this.processors.awaitProcessed("mailer", 1, WAIT));
		this.processors.awaitProcessed("ledger", 1, WAIT);
		Health health = health(List.of("ledger"), 0.9);
		assertThat(health.getStatus()).isEqualTo(Status.UP);
		assertThat(health.getDetails()).containsEntry("processors", Map.of("ledger", "RUNNING", "mailer", "FAILED"));
		assertThat(health(List.of("ledger", "mailer"), 0.9).getStatus()).isEqualTo(Status.DOWN);
	}

	@Test
	void isDownWhenAWatchedProcessorIsNotRegistered() {
		Health health = health(List.of("ghost"), 0.9);
		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat(health.getDetails()).containsEntry("problems",
				List.of("processor 'ghost' is watched (management.health.varve.processors) but not registered"));
	}

	@Test
	void aProcessorBehindButWithinItsStallTimeoutIsUpAndOnceStalledIsDown() throws InterruptedException {
		blocking("slow");
		this.processors.start("slow");
		this.varve.append("note-1", ExpectedVersion.any(), new Noted("a"), new Noted("b"));
		assertThat(this.inHandler.await(20, TimeUnit.SECONDS)).isTrue();
		this.clock.advance(Duration.ofSeconds(29));
		assertThat(this.processors.status("slow").lag()).isEqualTo(2);
		assertThat(this.processors.status("slow").state()).isEqualTo(ProcessorState.RUNNING);
		assertThat(health(List.of(), 0.9).getStatus()).isEqualTo(Status.UP);
		this.clock.advance(Duration.ofSeconds(2));
		Health stalled = health(List.of(), 0.9);
		assertThat(stalled.getStatus()).isEqualTo(Status.DOWN);
		assertThat(stalled.getDetails()).containsEntry("problems", List
			.of("processor 'slow' is STALLED: 2 events behind and its checkpoint (0) has not moved for its stall timeout"));
		this.release.countDown();
		this.processors.awaitProcessed("slow", 2, WAIT);
		assertThat(health(List.of(), 0.9).getStatus()).isEqualTo(Status.UP);
	}

	@Test
	void isDownWhileAProcessorRetriesAFailedCommitAndUpOnceItGoesOn() {
		// A store of at most 4 MiB, and a processor rewriting a 256 KiB value per event:
		// while a read snapshot is open LMDB cannot reuse the pages it frees, so its
		// commits fail once the store is full, and succeed again once the snapshot ends.
		this.varve.close();
		this.varve = Varve.builder()
			.path(this.dir.resolve("small"))
			.durability(Durability.NO_SYNC)
			.maxMapSize(4L << 20)
			.clock(this.clock)
			.open();
		this.processors = this.varve.processors();
		this.processors.register(ProcessorDefinition.builder("blobs").batchSize(1).handler((event, context) -> {
			long total = context.projections().get("counts", "total", Long.class).orElse(0L);
			context.projections().put("counts", "total", total + 1);
			context.projections().put("blobs", "b", new byte[256 << 10]);
		}).build());
		for (int i = 0; i < 30; i++) {
			this.varve.append("note-1", ExpectedVersion.any(), new Noted("n" + i));
		}
		// Capacity is not what this test is about: the store is nearly full either way.
		double noCapacityLimit = 1.0;
		Health retrying = ((DefaultVarve) this.varve).read((snapshot) -> {
			this.processors.start("blobs");
			ProcessorStatus status = awaitState("blobs", ProcessorState.RETRYING);
			Health health = health(List.of(), noCapacityLimit);
			assertThat(health.getDetails()).containsEntry("problems",
					List.of("processor 'blobs' is RETRYING: " + status.lastError().message()));
			assertThat(status.lastError().message())
				.startsWith("the commit of its checkpoint at position " + (status.checkpoint() + 1))
				.contains("the store is at its maximum size (io.varve.StoreFullException); raise varve.max-map-size");
			return health;
		});
		assertThat(retrying.getStatus()).isEqualTo(Status.DOWN);
		assertThat(retrying.getDetails()).containsEntry("processors", Map.of("blobs", "RETRYING"));
		this.processors.awaitProcessed("blobs", 30, WAIT);
		Health recovered = health(List.of(), noCapacityLimit);
		assertThat(recovered.getStatus()).isEqualTo(Status.UP);
		assertThat(recovered.getDetails()).containsEntry("processors", Map.of("blobs", "RUNNING"))
			.doesNotContainKey("problems");
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

	@Test
	void isDownWhenCapacityUsagePassesTheThreshold() {
		double usage = this.varve.storeInfo().capacityUsage();
		assertThat(usage).isPositive();
		assertThat(health(List.of(), usage).getStatus()).isEqualTo(Status.UP);
		Health full = health(List.of(), usage / 2);
		assertThat(full.getStatus()).isEqualTo(Status.DOWN);
		assertThat(full.getDetails().get("problems").toString())
			.contains("of the maximum map size is in use, above the")
			.contains("management.health.varve.max-capacity-usage");
	}

	@Test
	void isDownWhenTheWriterThreadStoppedOnAnErrorAndSaysToOpenTheStoreAgain() throws Exception {
		this.varve.append("note-1", ExpectedVersion.any(), new Noted("a"));
		assertThat(health(List.of(), 0.9).getStatus()).isEqualTo(Status.UP);
		// An error escaping the writer thread: a commit listener's, once.
		DefaultVarve store = (DefaultVarve) this.varve;
		store.groupWriter().addListener((commit) -> {
			throw new AssertionError("injected into the writer thread");
		});
		assertThatExceptionOfType(ExecutionException.class)
			.isThrownBy(() -> this.varve.appendAsync("note-2", ExpectedVersion.any(), new Noted("b"))
				.get(WAIT.toSeconds(), TimeUnit.SECONDS))
			.withMessageContaining("writer thread");
		Health health = health(List.of(), 0.9);
		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat(health.getDetails().get("problems").toString()).contains("appends fail")
			.contains("injected into the writer thread")
			.contains("open it again");
	}

}

package io.varve.core.processor;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.varve.AppendResult;
import io.varve.Durability;
import io.varve.ExpectedVersion;
import io.varve.InvalidArgumentException;
import io.varve.RecordedEvent;
import io.varve.Varve;
import io.varve.core.DefaultVarve;
import io.varve.core.storage.AuxTable;
import io.varve.core.storage.ReadTxn;
import io.varve.processor.ProcessorContext;
import io.varve.processor.ProcessorDefinition;
import io.varve.processor.ProcessorRegistry;
import io.varve.processor.ProcessorStateException;
import io.varve.processor.ProjectionEntry;
import io.varve.processor.RebuildStatus;
import io.varve.processor.RetryPolicy;
import io.varve.processor.UnknownProcessorException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Zero-downtime rebuilds: a new generation of a processor's tables is filled beside the
 * live one and takes over in one transaction; cancelled or failed rebuilds leave the live
 * tables as they were, and an interrupted one goes on after a restart.
 */
class RebuildTest {

	private static final Duration WAIT = Duration.ofSeconds(60);

	private static final int STREAMS = 20;

	@TempDir
	Path dir;

	record Deposited(String account, long amount) {
	}

	/** Which code the handler runs: 1 counts events per account, 2 sums amounts. */
	private volatile int version = 1;

	/** A position the version 2 handler fails on, or 0. */
	private volatile long poisoned;

	private final CountDownLatch poisonReached = new CountDownLatch(1);

	private Varve varve;

	@AfterEach
	void close() {
		if (this.varve != null) {
			this.varve.close();
		}
	}

	private Varve open() {
		this.varve = Varve.builder().path(this.dir).durability(Durability.NO_SYNC).eventTypes(Deposited.class).open();
		return this.varve;
	}

	private ProcessorRegistry register(Varve store, RetryPolicy retries) {
		ProcessorRegistry processors = store.processors();
		processors.register(ProcessorDefinition.builder("accounts")
			.batchSize(50)
			.retryPolicy(retries)
			.handler(this::handle)
			.build());
		return processors;
	}

	private void handle(RecordedEvent event, ProcessorContext context) {
		Deposited deposited = (Deposited) event.data();
		var store = context.projections();
		if (this.version == 3) {
			// Reads another processor's table, which a rebuild sees live.
			store.put("mirror", "others", store.get("others", "seen", Long.class).orElse(-1L));
			return;
		}
		if (this.version == 4) {
			store.put("others", "seen", -5L);
			return;
		}
		if (this.version == 1) {
			store.put("counts", deposited.account(),
					store.get("counts", deposited.account(), Long.class).orElse(0L) + 1);
		}
		else {
			if (event.position() == this.poisoned) {
				this.poisonReached.countDown();
				throw new IllegalStateException("poisoned at " + event.position());
			}
			store.put("sums", deposited.account(),
					store.get("sums", deposited.account(), Long.class).orElse(0L) + deposited.amount());
		}
		store.put("summary", "events", store.get("summary", "events", Long.class).orElse(0L) + 1);
		store.put("summary", "version", (long) this.version);
	}

	private static long append(Varve store, int from, int to) {
		long last = 0;
		for (int i = from; i <= to; i++) {
			AppendResult result = store.append("account-" + (i % STREAMS), ExpectedVersion.any(),
					new Deposited("account-" + (i % STREAMS), i));
			last = result.lastPosition();
		}
		return last;
	}

	private static Map<String, Long> table(ProcessorRegistry processors, String table) {
		Map<String, Long> entries = new HashMap<>();
		for (ProjectionEntry<Long> entry : processors.projections().list(table, null, 1000, Long.class)) {
			entries.put(entry.key(), entry.value());
		}
		return entries;
	}

	/** Every projection entry stored, in every generation. */
	private long storedEntries() {
		try (ReadTxn txn = ((DefaultVarve) this.varve).storage().beginRead()) {
			return txn.tableSize(AuxTable.PROJECTIONS)[0];
		}
	}

	private static Map<String, Long> expectedSums(int to) {
		Map<String, Long> sums = new HashMap<>();
		for (int i = 1; i <= to; i++) {
			sums.merge("account-" + (i % STREAMS), (long) i, Long::sum);
		}
		return sums;
	}

	@Test
	void aRebuildUnderLiveAppendsNeverServesAHalfBuiltGeneration() throws Exception {
		Varve store = open();
		ProcessorRegistry processors = register(store, RetryPolicy.none());
		int before = 10_000;
		processors.start("accounts");
		processors.awaitProcessed("accounts", append(store, 1, before), WAIT);
		assertThat(table(processors, "summary")).containsEntry("events", (long) before).containsEntry("version", 1L);

		AtomicBoolean stop = new AtomicBoolean();
		AtomicLong appended = new AtomicLong(before);
		AtomicReference<Throwable> failure = new AtomicReference<>();
		Thread appender = new Thread(() -> {
			try {
				while (!stop.get()) {
					int next = (int) appended.get() + 1;
					append(store, next, next + 9);
					appended.addAndGet(10);
				}
			}
			catch (Throwable ex) {
				failure.set(ex);
			}
		});
		List<String> violations = new java.util.concurrent.CopyOnWriteArrayList<>();
		AtomicLong reads = new AtomicLong();
		AtomicLong readsDuringRebuild = new AtomicLong();
		AtomicBoolean rebuilding = new AtomicBoolean();
		Thread reader = new Thread(() -> {
			long lastEvents = 0;
			long lastVersion = 1;
			while (!stop.get()) {
				// One snapshot: both keys of the live generation.
				Map<String, Long> summary = table(processors, "summary");
				long events = summary.getOrDefault("events", 0L);
				long version = summary.getOrDefault("version", 0L);
				if (events < lastEvents) {
					violations
						.add("events went back from " + lastEvents + " to " + events + " (version " + version + ")");
				}
				if (version < lastVersion) {
					violations.add("version went back from " + lastVersion + " to " + version);
				}
				lastEvents = Math.max(lastEvents, events);
				lastVersion = Math.max(lastVersion, version);
				reads.incrementAndGet();
				if (rebuilding.get()) {
					readsDuringRebuild.incrementAndGet();
				}
			}
		});
		appender.start();
		reader.start();
		try {
			// The new code: sums instead of counts.
			this.version = 2;
			rebuilding.set(true);
			processors.rebuild("accounts");
			RebuildStatus done = processors.awaitRebuild("accounts", WAIT);
			rebuilding.set(false);
			assertThat(done.state()).isEqualTo(RebuildStatus.State.COMPLETED);
			assertThat(done.fraction()).isEqualTo(1.0);
			assertThat(done.eventsHandled()).isGreaterThanOrEqualTo(before);
			long afterSwitch = reads.get();
			// Keep reading and appending a while after the switch.
			processors.awaitProcessed("accounts", append(store, 900_001, 900_100), WAIT);
			while (reads.get() < afterSwitch + 20 && failure.get() == null) {
				Thread.onSpinWait();
			}
		}
		finally {
			stop.set(true);
			appender.join();
			reader.join();
		}
		assertThat(failure.get()).isNull();
		assertThat(violations).isEmpty();
		assertThat(readsDuringRebuild.get()).isPositive();

		long head = store.headPosition();
		processors.awaitProcessed("accounts", head, WAIT);
		// Exactly once in the new generation: every event counted once, every amount
		// once.
		assertThat(table(processors, "summary")).containsEntry("events", head).containsEntry("version", 2L);
		Map<String, Long> sums = expectedSums((int) appended.get());
		for (int i = 900_001; i <= 900_100; i++) {
			sums.merge("account-" + (i % STREAMS), (long) i, Long::sum);
		}
		assertThat(table(processors, "sums")).isEqualTo(sums);
		assertThat(table(processors, "counts")).isEmpty();
		// The old generation is gone: only the live entries are stored.
		assertThat(storedEntries()).isEqualTo(2 + STREAMS);
		assertThat(processors.status("accounts").parkedCount()).isZero();
	}

	@Test
	void aCancelledRebuildDropsItsTablesAndTheCurrentOnesStay() throws Exception {
		Varve store = open();
		ProcessorRegistry processors = register(store,
				RetryPolicy.of(1000, Duration.ofSeconds(1), Duration.ofSeconds(1), 1.0));
		processors.start("accounts");
		processors.awaitProcessed("accounts", append(store, 1, 2000), WAIT);
		long entries = storedEntries();
		Map<String, Long> counts = table(processors, "counts");

		this.version = 2;
		this.poisoned = 1500;
		processors.rebuild("accounts");
		assertThat(this.poisonReached.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		RebuildStatus running = processors.rebuildStatus("accounts").orElseThrow();
		assertThat(running.state()).isEqualTo(RebuildStatus.State.RUNNING);
		assertThat(running.position()).isBetween(1L, 1499L);
		assertThat(running.fraction()).isBetween(0.0, 0.75);
		assertThat(storedEntries()).as("the new generation is filled beside the live one").isGreaterThan(entries);

		processors.cancelRebuild("accounts");
		RebuildStatus cancelled = processors.rebuildStatus("accounts").orElseThrow();
		assertThat(cancelled.state()).isEqualTo(RebuildStatus.State.CANCELLED);
		assertThat(cancelled.endedAt()).isNotNull();
		assertThat(storedEntries()).isEqualTo(entries);
		assertThat(table(processors, "counts")).isEqualTo(counts);
		assertThat(table(processors, "summary")).containsEntry("events", 2000L).containsEntry("version", 1L);
		assertThat(table(processors, "sums")).isEmpty();
		assertThatExceptionOfType(ProcessorStateException.class).isThrownBy(() -> processors.cancelRebuild("accounts"))
			.withMessageContaining("is not being rebuilt");
	}

	@Test
	void aFailedRebuildDropsItsTablesAndSaysWhy() throws Exception {
		Varve store = open();
		ProcessorRegistry processors = register(store, RetryPolicy.none());
		processors.start("accounts");
		processors.awaitProcessed("accounts", append(store, 1, 1000), WAIT);
		long entries = storedEntries();

		this.version = 2;
		this.poisoned = 700;
		processors.rebuild("accounts");
		RebuildStatus failed = processors.awaitRebuild("accounts", WAIT);
		assertThat(failed.state()).isEqualTo(RebuildStatus.State.FAILED);
		assertThat(failed.error()).contains("position 700").contains("poisoned at 700");
		assertThat(failed.position()).isLessThan(700);
		assertThat(storedEntries()).isEqualTo(entries);
		assertThat(table(processors, "summary")).containsEntry("events", 1000L).containsEntry("version", 1L);
		// The processor itself runs on.
		this.poisoned = 0;
		processors.awaitProcessed("accounts", append(store, 1001, 1010), WAIT);
		assertThat(table(processors, "summary")).containsEntry("events", 1010L);
	}

	@Test
	void aRebuildInterruptedByAShutdownGoesOnWhenTheProcessorStartsAgain() throws Exception {
		Varve store = open();
		ProcessorRegistry processors = register(store,
				RetryPolicy.of(1000, Duration.ofSeconds(1), Duration.ofSeconds(1), 1.0));
		processors.start("accounts");
		processors.awaitProcessed("accounts", append(store, 1, 2000), WAIT);

		this.version = 2;
		this.poisoned = 1200;
		processors.rebuild("accounts");
		assertThat(this.poisonReached.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		long reached = processors.rebuildStatus("accounts").orElseThrow().position();
		assertThat(reached).isPositive();
		store.close();
		this.varve = null;

		this.poisoned = 0;
		Varve reopened = open();
		ProcessorRegistry again = register(reopened, RetryPolicy.none());
		assertThat(table(again, "summary")).as("the old generation serves until the switch")
			.containsEntry("version", 1L);
		again.start("accounts");
		RebuildStatus done = again.awaitRebuild("accounts", WAIT);
		assertThat(done.state()).isEqualTo(RebuildStatus.State.COMPLETED);
		// It went on from its stored position (at least where it was seen, maybe the rest
		// of that batch, committed as it stopped), not from the beginning.
		assertThat(done.eventsHandled()).isBetween(1L, 2000 - reached);
		again.awaitProcessed("accounts", 2000, WAIT);
		assertThat(table(again, "summary")).containsEntry("events", 2000L).containsEntry("version", 2L);
		assertThat(table(again, "sums")).isEqualTo(expectedSums(2000));
		assertThat(storedEntries()).isEqualTo(2 + STREAMS);
	}

	@Test
	void aRebuildMayReadButNotWriteAnotherProcessorsTables() throws Exception {
		Varve store = open();
		ProcessorRegistry processors = register(store, RetryPolicy.none());
		processors.register(ProcessorDefinition.builder("other")
			.handler((event, context) -> context.projections().put("others", "seen", event.position()))
			.build());
		processors.start("accounts");
		processors.start("other");
		long last = append(store, 1, 100);
		processors.awaitProcessed("accounts", last, WAIT);
		processors.awaitProcessed("other", last, WAIT);

		processors.stop("other");

		this.version = 3;
		processors.rebuild("accounts");
		assertThat(processors.awaitRebuild("accounts", WAIT).state()).isEqualTo(RebuildStatus.State.COMPLETED);
		assertThat(table(processors, "mirror")).containsEntry("others", last);
		assertThat(table(processors, "summary")).as("not written by the new code, so dropped").isEmpty();

		this.version = 4;
		processors.rebuild("accounts");
		RebuildStatus refused = processors.awaitRebuild("accounts", WAIT);
		assertThat(refused.state()).isEqualTo(RebuildStatus.State.FAILED);
		assertThat(refused.error()).contains("'others' belongs to processor 'other'");
		assertThat(table(processors, "others")).containsEntry("seen", last);
		assertThat(table(processors, "mirror")).containsEntry("others", last);
	}

	@Test
	void badRebuildRequestsAreRefusedWithTheWayForward() {
		Varve store = open();
		ProcessorRegistry processors = register(store, RetryPolicy.none());
		processors.register(ProcessorDefinition.builder("forwarder").handler((event, context) -> {
		}).barrier((last, attempt) -> {
		}).build());
		append(store, 1, 10);
		assertThatExceptionOfType(UnknownProcessorException.class).isThrownBy(() -> processors.rebuild("nope"));
		assertThatExceptionOfType(InvalidArgumentException.class).isThrownBy(() -> processors.rebuild("accounts", 12))
			.withMessageContaining("between 0 (the beginning) and 11");
		assertThatExceptionOfType(ProcessorStateException.class).isThrownBy(() -> processors.rebuild("forwarder"))
			.withMessageContaining("reset");
		assertThatExceptionOfType(ProcessorStateException.class)
			.isThrownBy(() -> processors.awaitRebuild("accounts", WAIT))
			.withMessageContaining("has not been rebuilt");
		assertThat(processors.rebuildStatus("accounts")).isEmpty();
	}

}

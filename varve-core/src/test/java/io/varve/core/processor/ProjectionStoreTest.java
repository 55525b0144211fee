package io.varve.core.processor;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.varve.Durability;
import io.varve.EventData;
import io.varve.ExpectedVersion;
import io.varve.InvalidArgumentException;
import io.varve.Varve;
import io.varve.VarveBuilder;
import io.varve.core.processor.TestEvents.Noted;
import io.varve.processor.ProcessorDefinition;
import io.varve.processor.ProcessorRegistry;
import io.varve.processor.ProcessorState;
import io.varve.processor.ProcessorStatus;
import io.varve.processor.ProjectionEntry;
import io.varve.processor.ProjectionView;
import io.varve.processor.RetryPolicy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class ProjectionStoreTest {

	private static final Duration WAIT = Duration.ofSeconds(20);

	@TempDir
	Path dir;

	private Varve varve;

	private ProcessorRegistry processors;

	record Summary(String owner, long count) {
	}

	@BeforeEach
	void open() {
		this.varve = Varve.builder().path(this.dir).durability(Durability.NO_SYNC).eventTypes(Noted.class).open();
		this.processors = this.varve.processors();
	}

	@AfterEach
	void close() {
		this.varve.close();
	}

	/** Replaces the store of this test with another. */
	private void reopen(VarveBuilder builder) {
		this.varve.close();
		this.varve = builder.eventTypes(Noted.class).open();
		this.processors = this.varve.processors();
	}

	/** Appends notes whose text is a command the handler below carries out. */
	private long commands(String... commands) {
		List<EventData> events = java.util.Arrays.stream(commands)
			.map((text) -> EventData.of(new Noted(text)))
			.toList();
		return this.varve.append("script", ExpectedVersion.any(), events).lastPosition();
	}

	/** put:key:value, del:key, clear, check:key:expected, list:expectedKeys */
	private void startScriptProcessor(AtomicReference<String> problem) {
		startScriptProcessor(problem, 100);
	}

	private void startScriptProcessor(AtomicReference<String> problem, int batchSize) {
		this.processors.register(ProcessorDefinition.builder("script")
			.batchSize(batchSize)
			.retryPolicy(RetryPolicy.none())
			.handler((event, context) -> {
				String[] parts = ((Noted) event.data()).text().split(":", -1);
				var store = context.projections();
				switch (parts[0]) {
					case "put" -> store.put("t", parts[1], new Summary(parts[2], event.position()));
					case "del" -> store.delete("t", parts[1]);
					case "clear" -> store.clear("t");
					case "check" -> {
						String actual = store.get("t", parts[1], Summary.class).map(Summary::owner).orElse("-");
						if (!actual.equals(parts[2])) {
							problem.compareAndSet(null, "at " + event.position() + " " + parts[1] + "=" + actual);
						}
					}
					case "list" -> {
						String keys = String.join(",",
								store.list("t", null, 3, Summary.class).stream().map(ProjectionEntry::key).toList());
						if (!keys.equals(parts[1])) {
							problem.compareAndSet(null, "at " + event.position() + " list=" + keys);
						}
					}
					case "fail" -> {
						store.put("t", "doomed", new Summary("x", 0));
						throw new IllegalStateException("fail");
					}
					default -> throw new IllegalArgumentException(parts[0]);
				}
			})
			.build());
		this.processors.start("script");
	}

	@Test
	void laterEventsOfABatchReadTheWritesOfEarlierOnesBeforeTheyCommit() {
		AtomicReference<String> problem = new AtomicReference<>();
		// All in one append, so in one batch: each check reads buffered writes.
		long last = commands("put:a:alice", "check:a:alice", "put:a:anne", "check:a:anne", "del:a", "check:a:-",
				"put:b:bob", "put:c:carol", "put:d:dan", "del:c", "list:b,d", "clear", "check:b:-", "list:",
				"put:e:eve", "list:e");
		startScriptProcessor(problem);
		this.processors.awaitProcessed("script", last, WAIT);
		assertThat(problem.get()).isNull();
		ProjectionView view = this.processors.projections();
		assertThat(view.list("t", null, 10, Summary.class)).extracting(ProjectionEntry::key).containsExactly("e");
		assertThat(view.get("t", "e", Summary.class)).contains(new Summary("eve", 15));
	}

	@Test
	void eachBatchReadsTheWritesOfTheBatchBeforeWhileTheirDurableCommitIsInFlight() {
		// One event per batch and durable commits: a batch is handled while the commit of
		// the one before is still queued or syncing, and must read its writes anyway.
		reopen(Varve.builder().path(this.dir.resolve("durable")).durability(Durability.SYNC));
		List<String> script = new java.util.ArrayList<>();
		for (int i = 0; i < 40; i++) {
			script.addAll(List.of("put:k" + i + ":v" + i, "check:k" + i + ":v" + i, "put:k" + i + ":w" + i,
					"check:k" + i + ":w" + i));
			if (i % 10 == 9) {
				script.addAll(List.of("del:k" + i, "check:k" + i + ":-", "clear", "check:k" + (i - 1) + ":-", "list:",
						"put:b:bob", "put:a:al", "list:a,b"));
			}
		}
		long last = commands(script.toArray(String[]::new));
		AtomicReference<String> problem = new AtomicReference<>();
		startScriptProcessor(problem, 1);
		this.processors.awaitProcessed("script", last, WAIT);
		assertThat(problem.get()).isNull();
		assertThat(this.processors.projections().list("t", null, 10, Summary.class)).extracting(ProjectionEntry::key)
			.containsExactly("a", "b");
	}

	@Test
	void aBatchWhoseCommitFailsIsNeverBuiltUponAndIsTriedAgain() {
		reopen(Varve.builder().path(this.dir.resolve("small")).durability(Durability.SYNC).maxMapSize(4L << 20));
		long last = commands("put:before", "put:huge", "put:after", "put:later");
		List<String> handled = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
		this.processors.register(ProcessorDefinition.builder("sizes")
			.batchSize(1)
			.retryPolicy(RetryPolicy.none())
			.handler((event, context) -> {
				String key = ((Noted) event.data()).text().substring(4);
				handled.add(key);
				// 8 MiB cannot fit in a store of at most 4 MiB: that batch's commit
				// fails, every time.
				int size = key.equals("huge") ? 8 << 20 : 10;
				context.projections().put("sizes", key, new byte[size]);
			})
			.build());
		this.processors.start("sizes");
		ProcessorStatus status = awaitRetries("sizes", 2);
		assertThat(status.state()).isEqualTo(ProcessorState.RETRYING);
		assertThat(status.checkpoint()).isEqualTo(1);
		assertThat(status.lastError().message()).contains("at position 2 with the projection writes")
			.contains("maximum size");
		// Each try handles the failed batch again, and maybe the one after it while the
		// commit is in flight.
		assertThat(handled.subList(0, 2)).containsExactly("before", "huge");
		assertThat(handled.subList(2, handled.size())).isSubsetOf("huge", "after").contains("huge");
		// The batch after the failed one was handled while that commit was in flight,
		// but its writes were never committed.
		ProjectionView view = this.processors.projections();
		assertThat(view.list("sizes", null, 10, byte[].class)).extracting(ProjectionEntry::key)
			.containsExactly("before");
		this.processors.stop("sizes");
		assertThat(this.processors.status("sizes").state()).isEqualTo(ProcessorState.STOPPED);
		assertThat(this.processors.status("sizes").checkpoint()).isEqualTo(1);
		assertThat(last).isEqualTo(4);
	}

	/** Waits until a processor has failed a number of commits in a row. */
	private ProcessorStatus awaitRetries(String name, int failedCommits) {
		long deadline = System.nanoTime() + WAIT.toNanos();
		ProcessorStatus status;
		while ((status = this.processors.status(name)).lastError() == null
				|| status.lastError().attempts() < failedCommits) {
			assertThat(System.nanoTime()).as(name + " fails " + failedCommits + " commits, now " + status)
				.isLessThan(deadline);
			Thread.onSpinWait();
		}
		return status;
	}

	@Test
	void bufferedWritesMergeWithCommittedEntriesInKeyOrder() {
		AtomicReference<String> problem = new AtomicReference<>();
		startScriptProcessor(problem);
		long first = commands("put:b:bob", "put:d:dan", "put:f:fay", "put:h:hal");
		this.processors.awaitProcessed("script", first, WAIT);
		// Committed: b d f h. Buffered: a new, d deleted, e new.
		long last = commands("put:a:al", "del:d", "put:e:ed", "list:a,b,e", "check:f:fay");
		this.processors.awaitProcessed("script", last, WAIT);
		assertThat(problem.get()).isNull();
		ProjectionView view = this.processors.projections();
		assertThat(view.list("t", null, 10, Summary.class)).extracting(ProjectionEntry::key)
			.containsExactly("a", "b", "e", "f", "h");
		assertThat(view.list("t", "b", 2, Summary.class)).extracting(ProjectionEntry::key).containsExactly("e", "f");
	}

	@Test
	void theWritesOfAFailedEventAreDiscardedAndTheEventsBeforeItCommit() {
		AtomicReference<String> problem = new AtomicReference<>();
		commands("put:a:alice", "fail");
		startScriptProcessor(problem);
		org.assertj.core.api.Assertions.assertThatThrownBy(() -> this.processors.awaitProcessed("script", 2, WAIT))
			.isInstanceOf(io.varve.processor.ProcessorFailedException.class);
		ProjectionView view = this.processors.projections();
		assertThat(view.get("t", "a", Summary.class)).isPresent();
		assertThat(view.get("t", "doomed", Summary.class)).isEmpty();
		assertThat(this.processors.status("script").checkpoint()).isEqualTo(1);
	}

	@Test
	void theWritesOfAFailedEventAfterAClearInTheSameBatchAreDiscardedToo() {
		AtomicReference<String> problem = new AtomicReference<>();
		// One batch: a write, a clear of the table, a write after it, then an event that
		// writes to the cleared table and fails. The buffer keeps each event's changes
		// for the next event: the failed event's write must not reach the batch.
		commands("put:a:alice", "clear", "put:b:bob", "fail");
		startScriptProcessor(problem);
		org.assertj.core.api.Assertions.assertThatThrownBy(() -> this.processors.awaitProcessed("script", 4, WAIT))
			.isInstanceOf(io.varve.processor.ProcessorFailedException.class);
		assertThat(problem.get()).isNull();
		assertThat(this.processors.status("script").checkpoint()).isEqualTo(3);
		assertThat(this.processors.projections().list("t", null, 10, Summary.class)).extracting(ProjectionEntry::key)
			.containsExactly("b");
	}

	@Test
	void keysSortByCodePointLikeTheirStoredBytes() {
		AtomicReference<String> problem = new AtomicReference<>();
		startScriptProcessor(problem);
		// U+FF21 sorts before U+1F600 in code points (and UTF-8), after it in UTF-16.
		long last = commands("put:\uFF21:x", "put:\uD83D\uDE00:y", "put:z:z");
		this.processors.awaitProcessed("script", last, WAIT);
		assertThat(this.processors.projections().list("t", null, 10, Summary.class)).extracting(ProjectionEntry::key)
			.containsExactly("z", "\uFF21", "\uD83D\uDE00");
	}

	@Test
	void badTableNamesKeysAndValuesAreRefusedWithAMessage() {
		ProjectionView view = this.processors.projections();
		assertThatExceptionOfType(InvalidArgumentException.class).isThrownBy(() -> view.get(" bad", "k", String.class))
			.withMessageContaining("projection table name");
		assertThatExceptionOfType(InvalidArgumentException.class).isThrownBy(() -> view.get("t", "", String.class))
			.withMessageContaining("must not be null or empty");
		assertThatExceptionOfType(InvalidArgumentException.class)
			.isThrownBy(() -> view.get("t", "k".repeat(600), String.class))
			.withMessageContaining("shorter key");
		assertThatExceptionOfType(InvalidArgumentException.class)
			.isThrownBy(() -> view.get("t", "\uD83Dx", String.class))
			.withMessageContaining("unpaired surrogate");
		assertThatExceptionOfType(InvalidArgumentException.class)
			.isThrownBy(() -> view.list("t", null, 0, String.class))
			.withMessageContaining("between 1 and 10000");
		this.processors.register(ProcessorDefinition.builder("nulls")
			.retryPolicy(RetryPolicy.none())
			.handler((event, context) -> context.projections().put("t", "k", null))
			.build());
		this.processors.start("nulls");
		commands("anything");
		assertThatExceptionOfType(io.varve.processor.ProcessorFailedException.class)
			.isThrownBy(() -> this.processors.awaitProcessed("nulls", 1, WAIT))
			.satisfies((ex) -> assertThat(ex.error().message()).contains("use delete(table, key)"));
	}

}

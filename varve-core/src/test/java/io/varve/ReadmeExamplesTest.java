package io.varve;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.varve.processor.ProcessorDefinition;
import io.varve.processor.ProcessorRegistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The README's plain-Java examples, compiled and run so that they cannot go stale. Each
 * block between "README:" comments is the README's code as written there.
 */
class ReadmeExamplesTest {

	@TempDir
	Path dir;

	@EventType("account-opened")
	record AccountOpened(String owner) {
	}

	record Deposited(long amount) {
	}

	record Withdrawn(long amount) {
	}

	@Test
	void gettingStarted() {
		StringBuilder out = new StringBuilder();
		try (Varve varve = Varve.open(this.dir.resolve("events"))) {
			// README: Getting started
			AppendResult opened = varve.append("account-42", ExpectedVersion.noStream(), new AccountOpened("alice"));
			varve.append("account-42", ExpectedVersion.exact(opened.version()), new Deposited(100));

			for (RecordedEvent event : varve.readStream("account-42", 1, 100)) {
				out.append(event.version() + ": " + event.data()).append('\n');
			}
			// end
		}
		assertThat(out.toString()).isEqualTo("1: AccountOpened[owner=alice]\n2: Deposited[amount=100]\n");
	}

	@Test
	void expectedVersionInACommandHandler() {
		try (Varve varve = Varve.open(this.dir)) {
			varve.append("account-42", ExpectedVersion.noStream(), new AccountOpened("alice"), new Deposited(100));
			// Someone else appends between our read and our append.
			Runnable concurrentWriter = () -> varve.append("account-42", ExpectedVersion.any(), new Deposited(1));
			long[] reloadedAt = { -1 };

			// README: streams, versions and expected versions
			List<RecordedEvent> history = varve.readStream("account-42", 1, 1000);
			long version = history.isEmpty() ? 0 : history.get(history.size() - 1).version();
			concurrentWriter.run();
			try {
				varve.append("account-42", ExpectedVersion.exact(version), new Withdrawn(50));
			}
			catch (WrongExpectedVersionException ex) {
				// someone appended in between: reload (the stream is at
				// ex.actualVersion())
				// and decide again
				reloadedAt[0] = ex.actualVersion();
			}
			// end

			assertThat(version).isEqualTo(2);
			assertThat(reloadedAt[0]).isEqualTo(3);
			assertThat(varve.streamInfo("account-42")).map(StreamInfo::version).contains(3L);
		}
	}

	@Test
	void transactionAndIdempotentRetry() {
		try (Varve varve = Varve.open(this.dir)) {
			varve.append("account-1", ExpectedVersion.noStream(), new Deposited(1), new Deposited(1), new Deposited(1),
					new Deposited(100));
			varve.append("account-2", ExpectedVersion.noStream(),
					java.util.stream.LongStream.range(0, 9).mapToObj(Deposited::new).toArray());

			// README: transactions
			varve.transaction(StreamAppend.of("account-1", ExpectedVersion.exact(4), new Withdrawn(50)),
					StreamAppend.of("account-2", ExpectedVersion.exact(9), new Deposited(50)));
			// end
			assertThat(varve.headPosition()).isEqualTo(15);

			UUID commandId = UUID.randomUUID();
			varve.append("account-42", ExpectedVersion.noStream(), new AccountOpened("a"), new Deposited(1),
					new Deposited(2));
			// README: envelope fields and idempotency
			EventData deposit = EventData.of(new Deposited(100))
				.withId(commandId)
				.withMetadata(Map.of("user", "alice"));
			varve.append("account-42", ExpectedVersion.exact(3), List.of(deposit));
			// end
			AppendResult retried = varve.append("account-42", ExpectedVersion.exact(3), List.of(deposit));
			assertThat(retried.version()).isEqualTo(4);
			assertThat(varve.headPosition()).isEqualTo(19);
			assertThat(varve.readStream("account-42", 4, 1).get(0).metadata()).containsEntry("user", "alice");
			assertThatExceptionOfType(DuplicateEventIdException.class)
				.isThrownBy(() -> varve.append("account-43", ExpectedVersion.any(), List.of(deposit)));
		}
	}

	@Test
	void processorsWithoutSpring() throws Exception {
		try (Varve varve = Varve.open(this.dir)) {
			// README: processors without Spring
			ProcessorRegistry processors = varve.processors();
			processors.register(ProcessorDefinition.builder("deposits")
				.filter(EventFilter.eventTypes(Deposited.class))
				.handler((event, context) -> {
					Deposited deposited = event.dataAs(Deposited.class);
					long total = context.projections().get("totals", "all", Long.class).orElse(0L);
					context.projections().put("totals", "all", total + deposited.amount());
				})
				.build());
			processors.start("deposits");
			AppendResult result = varve.append("account-7", ExpectedVersion.any(), new Deposited(25));
			processors.awaitProcessed("deposits", result.lastPosition(), Duration.ofSeconds(5));
			// end
			assertThat(processors.projections().get("totals", "all", Long.class)).contains(25L);
			assertThat(processors.status("deposits").lag()).isZero();
		}
	}

}

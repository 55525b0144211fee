package io.varve.processor;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.varve.AppendResult;
import io.varve.EventFilter;
import io.varve.ExpectedVersion;
import io.varve.Varve;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The processor API as a user meets it: the example of {@link ProcessorRegistry}'s
 * Javadoc, run.
 */
class ProcessorTutorialTest {

	record Deposited(long amount) {
	}

	record Withdrawn(long amount) {
	}

	@Test
	void aProjectionKeepsBalancesThatQueriesReadAfterAwaitingTheAppend(@TempDir Path dir) {
		try (Varve varve = Varve.builder().path(dir).eventTypes(Deposited.class, Withdrawn.class).open()) {
			ProcessorRegistry processors = varve.processors();
			processors.register(ProcessorDefinition.builder("balances")
				.filter(EventFilter.categories("account"))
				.handler((event, context) -> {
					ProjectionStore store = context.projections();
					long balance = store.get("balances", event.stream(), Long.class).orElse(0L);
					if (event.data() instanceof Deposited deposited) {
						store.put("balances", event.stream(), balance + deposited.amount());
					}
					else if (event.data() instanceof Withdrawn withdrawn) {
						store.put("balances", event.stream(), balance - withdrawn.amount());
					}
				})
				.onReset((store, from) -> store.clear("balances"))
				.build());
			processors.start("balances");

			varve.append("account-42", ExpectedVersion.noStream(), new Deposited(100));
			AppendResult appended = varve.append("account-42", ExpectedVersion.exact(1), new Withdrawn(30));
			processors.awaitProcessed("balances", appended.lastPosition(), Duration.ofSeconds(10));

			ProjectionView projections = processors.projections();
			assertThat(projections.get("balances", "account-42", Long.class)).contains(70L);
			ProcessorStatus status = processors.status("balances");
			assertThat(status.state()).isEqualTo(ProcessorState.RUNNING);
			assertThat(status.checkpoint()).isEqualTo(2);
			assertThat(status.lag()).isZero();
		}
	}

}

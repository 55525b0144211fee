package io.varve.boot.readme;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.varve.AppendResult;
import io.varve.EventType;
import io.varve.ExpectedVersion;
import io.varve.RecordedEvent;
import io.varve.Varve;
import io.varve.boot.VarveHandler;
import io.varve.boot.VarveProcessor;
import io.varve.boot.VarveReset;
import io.varve.boot.autoconfigure.VarveAutoConfiguration;
import io.varve.boot.autoconfigure.processor.VarveProcessorAutoConfiguration;
import io.varve.processor.ErrorPolicy;
import io.varve.processor.ProcessorRegistry;
import io.varve.processor.ProjectionStore;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's Spring examples, compiled and run so that they cannot go stale.
 */
class ReadmeSpringExamplesTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	@TempDir
	Path dir;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(VarveAutoConfiguration.class, VarveProcessorAutoConfiguration.class));

	@EventType("account-opened")
	record AccountOpened(String owner) {
	}

	record Deposited(long amount) {
	}

	record Withdrawn(long amount) {
	}

	// README: Getting started
	@VarveProcessor(categories = "account")
	static class Balances {

		@VarveHandler
		void on(Deposited deposited, RecordedEvent event, ProjectionStore store) {
			long balance = store.get("balances", event.stream(), Long.class).orElse(0L);
			store.put("balances", event.stream(), balance + deposited.amount());
		}

	}
	// end

	// README: Guide: processors (with the handler bodies filled in)
	@VarveProcessor(name = "balances", categories = "account", errorPolicy = ErrorPolicy.PARK, maxAttempts = 5,
			initialBackoff = "200ms")
	static class ParkingBalances {

		@VarveHandler
		void on(Deposited deposited, RecordedEvent event, ProjectionStore store) {
			store.put("balances", event.stream(), balance(store, event) + deposited.amount());
		}

		@VarveHandler
		void on(Withdrawn withdrawn, RecordedEvent event, ProjectionStore store) {
			store.put("balances", event.stream(), balance(store, event) - withdrawn.amount());
		}

		@VarveReset
		void reset(ProjectionStore store) {
			store.clear("balances");
		}

		private static long balance(ProjectionStore store, RecordedEvent event) {
			return store.get("balances", event.stream(), Long.class).orElse(0L);
		}

	}
	// end

	@Test
	void gettingStartedProcessorKeepsABalancePerAccount() {
		this.runner.withPropertyValues("varve.path=" + this.dir).withBean("balances", Balances.class).run((context) -> {
			Varve varve = context.getBean(Varve.class);
			ProcessorRegistry registry = context.getBean(ProcessorRegistry.class);
			AppendResult opened = varve.append("account-42", ExpectedVersion.noStream(), new AccountOpened("alice"));
			varve.append("account-42", ExpectedVersion.exact(opened.version()), new Deposited(100));
			AppendResult last = varve.append("account-42", ExpectedVersion.exact(2), new Deposited(50));
			registry.awaitProcessed("balances", last.lastPosition(), WAIT);
			assertThat(registry.projections().get("balances", "account-42", Long.class)).contains(150L);
		});
	}

	@Test
	void guideProcessorResetsAndReplaysThroughItsResetMethod() {
		this.runner.withPropertyValues("varve.path=" + this.dir).withBean(ParkingBalances.class).run((context) -> {
			Varve varve = context.getBean(Varve.class);
			ProcessorRegistry registry = context.getBean(ProcessorRegistry.class);
			varve.append("account-1", ExpectedVersion.noStream(), new Deposited(100), new Withdrawn(30));
			AppendResult last = varve.append("account-2", ExpectedVersion.noStream(), new Deposited(5));
			registry.awaitProcessed("balances", last.lastPosition(), WAIT);
			assertThat(registry.projections().get("balances", "account-1", Long.class)).contains(70L);

			registry.reset("balances", 0);
			registry.awaitProcessed("balances", last.lastPosition(), WAIT);
			// Replayed once from a cleared table, not added on top of the old balances.
			assertThat(registry.projections().get("balances", "account-1", Long.class)).contains(70L);
			assertThat(registry.projections().get("balances", "account-2", Long.class)).contains(5L);
		});
	}

}

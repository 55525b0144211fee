package io.varve.test;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.varve.ExpectedVersion;
import io.varve.Varve;
import io.varve.processor.ErrorPolicy;
import io.varve.processor.ProcessorDefinition;
import io.varve.processor.RetryPolicy;
import io.varve.processor.ProcessorState;

import static io.varve.test.VarveAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The AssertJ assertions pass on what holds and fail with messages that show the events
 * readably; waiting for processors fails with who is behind and why.
 */
@VarveStore
class VarveAssertionsTest {

	@Test
	void streamAndLogAssertionsPassOnWhatHolds(Varve varve) {
		varve.append("account-1", ExpectedVersion.noStream(), new Deposited(100), new Withdrawn(30));
		varve.append("account-2", ExpectedVersion.noStream(), new Deposited(5));
		assertThat(varve).stream("account-1")
			.hasVersion(2)
			.containsExactlyTypes("deposited", "withdrawn")
			.containsExactlyTypes(Deposited.class, Withdrawn.class)
			.containsExactlyEvents(new Deposited(100), new Withdrawn(30))
			.lastEvent()
			.isEqualTo(new Withdrawn(30));
		assertThat(varve).stream("nobody").doesNotExist().hasVersion(0);
		assertThat(varve).log().hasHeadPosition(3).containsSubsequence(new Deposited(100), new Deposited(5));
	}

	@Test
	void aFailingStreamAssertionPrintsTheStreamReadably(Varve varve) {
		varve.append("account-1", ExpectedVersion.noStream(), new Deposited(100), new Withdrawn(30));
		assertThatThrownBy(() -> assertThat(varve).stream("account-1").hasVersion(3)).isInstanceOf(AssertionError.class)
			.hasMessage(String.format("Expected stream 'account-1' to be at version 3 but it is at version 2. "
					+ "Its events:%n  #1 account-1 v1 deposited {\"amount\":100}%n"
					+ "  #2 account-1 v2 withdrawn {\"amount\":30}"));
		assertThatThrownBy(() -> assertThat(varve).stream("account-1")
			.containsExactlyEvents(new Deposited(100), new Withdrawn(31)))
			.hasMessageContaining("Withdrawn {\"amount\":31}")
			.hasMessageContaining("#2 account-1 v2 withdrawn {\"amount\":30}");
		assertThatThrownBy(() -> assertThat(varve).log().containsSubsequence(new Withdrawn(30), new Deposited(100)))
			.hasMessageContaining("it has no Deposited {\"amount\":100} after the ones before it");
	}

	@Test
	void processorAssertionsAndWaitingTellWhoIsBehindAndWhy(Varve varve, VarveTester tester) {
		varve.processors().register(ProcessorDefinition.builder("counting").handler((event, context) -> {
		}).build());
		varve.processors()
			.register(ProcessorDefinition.builder("picky")
				.errorPolicy(ErrorPolicy.PARK)
				.retryPolicy(RetryPolicy.none())
				.handler((event, context) -> {
					if (event.data() instanceof Withdrawn) {
						throw new IllegalStateException("withdrawals not handled");
					}
				})
				.build());
		varve.processors().start("counting");
		varve.processors().start("picky");
		varve.append("account-1", ExpectedVersion.noStream(), new Deposited(100), new Withdrawn(30));
		tester.awaitProcessors();
		assertThat(varve).processor("counting").isRunning().hasLag(0).hasParked(0).hasCheckpoint(2);
		assertThat(varve).processor("picky").hasParked(1);
		assertThatThrownBy(() -> assertThat(varve).processor("picky").hasParked(0))
			.hasMessageContaining("Expected processor 'picky' to have 0 parked events but it has 1")
			.hasMessageContaining("picky: RUNNING, checkpoint 2, caught up, 1 parked, last error at position 2")
			.hasMessageContaining("IllegalStateException: withdrawals not handled");

		varve.processors()
			.register(
					ProcessorDefinition.builder("failing").retryPolicy(RetryPolicy.none()).handler((event, context) -> {
						throw new IllegalArgumentException("cannot handle " + event.type());
					}).build());
		varve.processors().start("failing");
		assertThatThrownBy(() -> tester.awaitProcessors(Duration.ofSeconds(10))).isInstanceOf(AssertionError.class)
			.hasMessageContaining("Processor 'failing' failed before reaching position 2")
			.hasMessageContaining("failing: FAILED, checkpoint 0, 2 events behind")
			.hasMessageContaining("IllegalArgumentException: cannot handle deposited");
		assertThat(varve).processor("failing").hasState(ProcessorState.FAILED);
	}

}

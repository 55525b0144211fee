package io.varve.boot.autoconfigure.processor;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ContextConsumer;

import io.varve.RecordedEvent;
import io.varve.boot.VarveHandler;
import io.varve.boot.VarveProcessor;
import io.varve.boot.VarveReset;
import io.varve.boot.autoconfigure.VarveAutoConfiguration;
import io.varve.processor.ProjectionStore;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each mistake in a {@code @VarveProcessor} bean fails start-up with a message that names
 * the bean, the method and what to change.
 */
class VarveProcessorValidationTests {

	@TempDir
	Path dir;

	private ApplicationContextRunner runner() {
		return new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(VarveAutoConfiguration.class, VarveProcessorAutoConfiguration.class))
			.withPropertyValues("varve.path=" + this.dir, "varve.durability=no-sync");
	}

	record Deposited(long amount) {
	}

	record Withdrawn(long amount) {
	}

	private static ContextConsumer<AssertableApplicationContext> failsWith(String... fragments) {
		return (context) -> {
			assertThat(context).hasFailed();
			Throwable failure = context.getStartupFailure();
			StringBuilder messages = new StringBuilder();
			for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
				messages.append(cause.getMessage()).append('\n');
			}
			assertThat(messages.toString()).contains(fragments);
		};
	}

	@VarveProcessor(name = "same")
	static class First {

		@VarveHandler
		void on(Deposited deposited) {
		}

	}

	@VarveProcessor(name = "same")
	static class Second {

		@VarveHandler
		void on(Deposited deposited) {
		}

	}

	@Test
	void twoProcessorsWithOneNameFailStartup() {
		runner().withBean("first", First.class)
			.withBean("second", Second.class)
			.run(failsWith("Processor name 'same' is used by beans 'first' and 'second'",
					"@VarveProcessor(name = \"...\")"));
	}

	@VarveProcessor
	static class NoEvent {

		@VarveHandler
		void on(ProjectionStore store) {
		}

	}

	@Test
	void aHandlerWithoutAnEventParameterFailsStartup() {
		runner().withBean("noEvent", NoEvent.class)
			.run(failsWith("@VarveHandler method NoEvent.on(ProjectionStore) of bean 'noEvent' has no event parameter",
					"or RecordedEvent to receive every event"));
	}

	@VarveProcessor
	static class TwoForOneType {

		@VarveHandler
		void first(Deposited deposited) {
		}

		@VarveHandler
		void second(Deposited deposited, RecordedEvent event) {
		}

	}

	@Test
	void twoHandlersForOneEventTypeFailStartup() {
		runner().withBean("twice", TwoForOneType.class)
			.run(failsWith("Bean 'twice' has two @VarveHandler methods for Deposited", "TwoForOneType.first(Deposited)",
					"TwoForOneType.second(Deposited, RecordedEvent)", "keep one"));
	}

	@VarveProcessor
	static class OddParameter {

		@VarveHandler
		void on(Deposited deposited, String note) {
		}

	}

	@Test
	void aParameterOfUnknownTypeFailsStartup() {
		runner().withBean("odd", OddParameter.class)
			.run(failsWith("@VarveHandler method OddParameter.on(Deposited, String) of bean 'odd'",
					"parameter 2 of type java.lang.String", "neither an event class", "remove it or change its type"));
	}

	@VarveProcessor
	static class TwoEvents {

		@VarveHandler
		void on(Deposited deposited, Withdrawn withdrawn) {
		}

	}

	@Test
	void aHandlerTakingTwoEventsFailsStartup() {
		runner().withBean("two", TwoEvents.class)
			.run(failsWith("TwoEvents.on(Deposited, Withdrawn) of bean 'two' takes two events",
					"write one handler per type"));
	}

	static class NotAProcessor {

		@VarveHandler
		void on(Deposited deposited) {
		}

	}

	@Test
	void handlerMethodsOnABeanThatIsNotAProcessorFailStartup() {
		runner().withBean("plain", NotAProcessor.class)
			.run(failsWith("Bean 'plain' has @VarveHandler methods [NotAProcessor.on(Deposited)]",
					"is not annotated @VarveProcessor"));
	}

	@VarveProcessor
	static class NoHandlers {

	}

	@Test
	void aProcessorWithoutHandlersFailsStartup() {
		runner().withBean("empty", NoHandlers.class)
			.run(failsWith("Bean 'empty' is a @VarveProcessor without @VarveHandler methods"));
	}

	interface Marked {

	}

	interface Tagged {

	}

	record Both(long amount) implements Marked, Tagged {
	}

	@VarveProcessor(eventTypes = "Both")
	static class Ambiguous {

		@VarveHandler
		void on(Marked marked) {
		}

		@VarveHandler
		void on(Tagged tagged) {
		}

		@VarveHandler
		void on(Both both, RecordedEvent event) {
		}

	}

	@Test
	void unrelatedSupertypesAreFineWhileTheEventClassHasItsOwnHandler() {
		runner().withBean("ambiguous", Ambiguous.class).run((context) -> assertThat(context).hasNotFailed());
	}

	sealed interface Credit permits Refund {

	}

	sealed interface Audited permits Refund {

	}

	record Refund(long amount) implements Credit, Audited {
	}

	@VarveProcessor
	static class Unclear {

		@VarveHandler
		void on(Credit credit) {
		}

		@VarveHandler
		void on(Audited audited) {
		}

	}

	@Test
	void handlersWhoseTypesFitOneEventClassEquallyWellFailStartup() {
		runner().withBean("unclear", Unclear.class)
			.run(failsWith("Event class " + Refund.class.getName() + " fits @VarveHandler methods",
					"of bean 'unclear' equally well; add a handler for Refund itself"));
	}

	@VarveProcessor
	static class TwoResets {

		@VarveHandler
		void on(Deposited deposited) {
		}

		@VarveReset
		void one() {
		}

		@VarveReset
		void two(ProjectionStore store) {
		}

	}

	@Test
	void twoResetMethodsFailStartup() {
		runner().withBean("resets", TwoResets.class)
			.run(failsWith("Bean 'resets' has 2 @VarveReset methods", "merge them"));
	}

	@VarveProcessor
	static class BadReset {

		@VarveHandler
		void on(Deposited deposited) {
		}

		@VarveReset
		void reset(String what) {
		}

	}

	@Test
	void aResetMethodWithAnUnknownParameterFailsStartup() {
		runner().withBean("badReset", BadReset.class)
			.run(failsWith("@VarveReset method BadReset.reset(String) of bean 'badReset'",
					"takes a ProjectionStore and/or a long"));
	}

	@VarveProcessor(initialBackoff = "soon")
	static class BadDuration {

		@VarveHandler
		void on(Deposited deposited) {
		}

	}

	@Test
	void badSettingsFailStartupNamingTheBeanAndTheSetting() {
		runner().withBean("badDuration", BadDuration.class)
			.run(failsWith("Invalid setting of @VarveProcessor bean 'badDuration'", "'soon' is not a duration"));
		runner().withBean("first", First.class)
			.withPropertyValues("varve.processor.same.batch-size=0")
			.run(failsWith("Invalid setting of @VarveProcessor bean 'first' (processor 'same'",
					"Batch size of processor 'same' must be between 1 and 100000, got 0"));
		runner().withBean("first", First.class)
			.withPropertyValues("varve.processor.same.concurrency=0")
			.run(failsWith("Invalid setting of @VarveProcessor bean 'first' (processor 'same'",
					"Concurrency of processor 'same' must be 1 to 64, got 0"));
		runner().withBean("first", First.class)
			.withPropertyValues("varve.processor.same.concurrency=2", "varve.processor.same.error-policy=park-stream")
			.run(failsWith("Invalid setting of @VarveProcessor bean 'first' (processor 'same'",
					"cannot combine concurrency 2 with PARK_STREAM"));
	}

}

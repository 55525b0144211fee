package io.varve.boot.autoconfigure.processor;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import io.varve.ExpectedVersion;
import io.varve.RecordedEvent;
import io.varve.Varve;
import io.varve.boot.VarveHandler;
import io.varve.boot.VarveProcessor;
import io.varve.boot.autoconfigure.StoreHolder;
import io.varve.boot.autoconfigure.VarveAutoConfiguration;
import io.varve.processor.ProcessorRegistry;
import io.varve.processor.ProcessorState;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the processor lifecycle says and does at start-up: one line naming the store and
 * the processors, and no processor started on a store opened read-only.
 */
@ExtendWith(OutputCaptureExtension.class)
class VarveProcessorLifecycleTests {

	@TempDir
	Path dir;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(VarveAutoConfiguration.class, VarveProcessorAutoConfiguration.class));

	record Noted(String text) {
	}

	@VarveProcessor(name = "notes")
	static class Notes {

		@VarveHandler
		void on(Noted noted, RecordedEvent event) {
		}

	}

	@VarveProcessor(name = "mailer")
	static class Mailer {

		@VarveHandler
		void on(Noted noted) {
		}

	}

	private void storeWithThreeEventsInTwoStreams(Path store) {
		try (Varve varve = Varve.open(store)) {
			varve.append("note-1", ExpectedVersion.noStream(), new Noted("a"), new Noted("b"));
			varve.append("note-2", ExpectedVersion.noStream(), new Noted("c"));
		}
	}

	@Test
	void logsOneLineWithTheStoreAndTheProcessorsOnceTheyHaveStarted(CapturedOutput output) {
		storeWithThreeEventsInTwoStreams(this.dir);
		this.runner
			.withPropertyValues("varve.path=" + this.dir, "varve.durability=no-meta-sync",
					"varve.processor.mailer.enabled=false")
			.withBean(Notes.class)
			.withBean(Mailer.class)
			.run((context) -> {
				// Started: it handles the events.
				context.getBean(ProcessorRegistry.class).awaitProcessed("notes", 3, Duration.ofSeconds(20));
				assertThat(startupLines(output)).singleElement()
					.asString()
					.contains(" INFO ")
					.endsWith("Varve store " + this.dir.toAbsolutePath()
							+ " (durability no-meta-sync): head position 3, 2 streams; processors started: notes; "
							+ "not started: mailer (varve.processor.mailer.enabled=false)");
			});
	}

	@Test
	void saysSoWhenThereAreNoProcessors(CapturedOutput output) {
		this.runner.withPropertyValues("varve.path=" + this.dir)
			.run((context) -> assertThat(startupLines(output)).singleElement()
				.asString()
				.endsWith("Varve store " + this.dir.toAbsolutePath()
						+ " (durability sync): head position 0, 0 streams; processors started: none"));
	}

	@Test
	void namesTheProcessorsThatVarveProcessorsEnabledKeepsFromStarting(CapturedOutput output) {
		this.runner.withPropertyValues("varve.path=" + this.dir, "varve.processors.enabled=false")
			.withBean(Notes.class)
			.run((context) -> assertThat(startupLines(output)).singleElement()
				.asString()
				.endsWith("processors started: none; not started: notes (varve.processors.enabled=false)"));
	}

	@Test
	void aReadOnlyStoreRegistersTheProcessorsWithoutStartingThem(CapturedOutput output) throws Exception {
		Path store = this.dir.resolve("store");
		storeWithThreeEventsInTwoStreams(store);
		try (StoreHolder owner = StoreHolder.hold(store, this.dir)) {
			this.runner.withPropertyValues("varve.path=" + store, "varve.read-only=true")
				.withBean(Notes.class)
				.run((context) -> {
					assertThat(context).hasNotFailed();
					ProcessorRegistry processors = context.getBean(ProcessorRegistry.class);
					assertThat(processors.names()).containsExactly("notes");
					assertThat(processors.status("notes").state()).isEqualTo(ProcessorState.STOPPED);
					assertThat(processors.status("notes").lag()).isEqualTo(3);
					assertThat(startupLines(output)).singleElement()
						.asString()
						.endsWith("Varve store " + store.toAbsolutePath()
								+ " (read-only): head position 3, 2 streams; processors started: none; "
								+ "not started: notes (the store is read-only)");
				});
		}
	}

	private static List<String> startupLines(CapturedOutput output) {
		return Arrays.stream(output.getOut().split("\\R")).filter((line) -> line.contains("Varve store ")).toList();
	}

}

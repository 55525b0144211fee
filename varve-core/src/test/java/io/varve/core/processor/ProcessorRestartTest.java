package io.varve.core.processor;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.varve.ExpectedVersion;
import io.varve.Varve;
import io.varve.core.processor.TestEvents.Deposited;
import io.varve.processor.EventHandler;
import io.varve.processor.ProcessorDefinition;
import io.varve.processor.ProcessorRegistry;
import io.varve.processor.ProcessorState;

import static org.assertj.core.api.Assertions.assertThat;

class ProcessorRestartTest {

	private static final Duration WAIT = Duration.ofSeconds(20);

	@TempDir
	Path dir;

	private final List<Long> seen = Collections.synchronizedList(new ArrayList<>());

	private Varve open() {
		return Varve.builder().path(this.dir).eventTypes(Deposited.class).open();
	}

	private EventHandler projecting() {
		return (event, context) -> {
			this.seen.add(event.position());
			long count = context.projections().get("counts", event.stream(), Long.class).orElse(0L);
			context.projections().put("counts", event.stream(), count + 1);
		};
	}

	private EventHandler sideEffecting() {
		return (event, context) -> this.seen.add(event.position());
	}

	@Test
	void aProjectionResumesExactlyAtItsCheckpointAfterTheStoreReopens() throws Exception {
		try (Varve varve = open()) {
			varve.append("account-1", ExpectedVersion.any(), TestEvents.deposits(1234, 1));
			varve.processors()
				.register(ProcessorDefinition.builder("counts").batchSize(100).handler(projecting()).build());
			varve.processors().start("counts");
			varve.processors().awaitProcessed("counts", 1234, WAIT);
		}
		this.seen.clear();
		try (Varve varve = open()) {
			ProcessorRegistry processors = varve.processors();
			processors.register(ProcessorDefinition.builder("counts").handler(projecting()).build());
			assertThat(processors.status("counts").checkpoint()).isEqualTo(1234);
			// Resumed with nothing new: nothing is handled again.
			processors.start("counts");
			ProcessorCatchUpTest.awaitIdle(((DefaultProcessorRegistry) processors).runner("counts"));
			assertThat(this.seen).isEmpty();
			assertThat(processors.status("counts").state()).isEqualTo(ProcessorState.RUNNING);
			varve.append("account-1", ExpectedVersion.any(), TestEvents.deposits(3, 1));
			processors.awaitProcessed("counts", 1237, WAIT);
			assertThat(this.seen).containsExactly(1235L, 1236L, 1237L);
			assertThat(processors.projections().get("counts", "account-1", Long.class)).contains(1237L);
		}
	}

	@Test
	void aProcessorWithoutProjectionWritesStoresItsLastCheckpointWhenTheStoreCloses() {
		try (Varve varve = open()) {
			varve.append("account-1", ExpectedVersion.any(), TestEvents.deposits(500, 1));
			varve.processors()
				.register(ProcessorDefinition.builder("mailer").batchSize(7).handler(sideEffecting()).build());
			varve.processors().start("mailer");
			varve.processors().awaitProcessed("mailer", 500, WAIT);
			varve.append("account-1", ExpectedVersion.any(), TestEvents.deposits(5, 1));
			// Closed while it may still be handling: it finishes its batch and stores its
			// checkpoint before the writer stops.
		}
		List<Long> before = List.copyOf(this.seen);
		this.seen.clear();
		try (Varve varve = open()) {
			varve.processors().register(ProcessorDefinition.builder("mailer").handler(sideEffecting()).build());
			long checkpoint = varve.processors().status("mailer").checkpoint();
			assertThat(checkpoint).isEqualTo(before.get(before.size() - 1));
			varve.processors().start("mailer");
			varve.processors().awaitProcessed("mailer", 505, WAIT);
			List<Long> all = new ArrayList<>(before);
			all.addAll(this.seen);
			assertThat(all).containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, 505).boxed().toList());
		}
	}

}

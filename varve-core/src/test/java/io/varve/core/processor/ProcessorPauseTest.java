package io.varve.core.processor;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.varve.Durability;
import io.varve.ExpectedVersion;
import io.varve.Varve;
import io.varve.VarveClosedException;
import io.varve.core.processor.TestEvents.Deposited;
import io.varve.processor.ProcessorDefinition;
import io.varve.processor.ProcessorFailedException;
import io.varve.processor.ProcessorRegistry;
import io.varve.processor.ProcessorState;
import io.varve.processor.RetryPolicy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** Pausing outlives the processor's thread: a paused processor starts paused. */
class ProcessorPauseTest {

	private static final Duration WAIT = Duration.ofSeconds(20);

	@TempDir
	Path dir;

	private Varve varve;

	private ProcessorRegistry processors;

	private final List<Long> handled = Collections.synchronizedList(new ArrayList<>());

	@BeforeEach
	void open() {
		this.varve = Varve.builder().path(this.dir).durability(Durability.NO_SYNC).eventTypes(Deposited.class).open();
		this.processors = this.varve.processors();
	}

	@AfterEach
	void close() {
		this.varve.close();
	}

	private void register(ProcessorDefinition.Builder builder) {
		this.processors.register(builder.handler((event, context) -> this.handled.add(event.position())).build());
	}

	private ProcessorRunner runner(String name) {
		return ((DefaultProcessorRegistry) this.processors).runner(name);
	}

	@Test
	void aProcessorPausedBeforeItStartsIsStartedByStartAllAndWaitsForResume() throws Exception {
		this.varve.append("account-1", ExpectedVersion.any(), TestEvents.deposits(3, 1));
		register(ProcessorDefinition.builder("sum"));
		this.processors.pause("sum");
		assertThat(this.processors.status("sum").state()).isEqualTo(ProcessorState.STOPPED);
		this.processors.startAll();
		assertHandlesNothingUntilResumed(1L, 2L, 3L);
		assertThat(this.processors.status("sum").state()).isEqualTo(ProcessorState.RUNNING);
	}

	@Test
	void aPausedProcessorStopsAndStartsAgainPaused() throws Exception {
		register(ProcessorDefinition.builder("sum"));
		this.processors.start("sum");
		this.processors.pause("sum");
		this.processors.stop("sum");
		assertThat(this.processors.status("sum").state()).isEqualTo(ProcessorState.STOPPED);
		assertThat(runner("sum").signals().thread()).isNull();
		this.varve.append("account-1", ExpectedVersion.any(), TestEvents.deposits(2, 1));
		this.processors.start("sum");
		assertHandlesNothingUntilResumed(1L, 2L);
	}

	@Test
	void aFailedProcessorPausedThenRestartedStartsPaused() throws Exception {
		AtomicBoolean failing = new AtomicBoolean(true);
		this.processors
			.register(ProcessorDefinition.builder("sum").retryPolicy(RetryPolicy.none()).handler((event, context) -> {
				if (failing.get()) {
					throw new IllegalStateException("not yet");
				}
				this.handled.add(event.position());
			}).build());
		this.processors.start("sum");
		this.varve.append("account-1", ExpectedVersion.any(), new Deposited(1));
		assertThatExceptionOfType(ProcessorFailedException.class)
			.isThrownBy(() -> this.processors.awaitProcessed("sum", 1, WAIT));
		this.processors.pause("sum");
		assertThat(this.processors.status("sum").state()).isEqualTo(ProcessorState.FAILED);
		failing.set(false);
		this.processors.restart("sum");
		assertHandlesNothingUntilResumed(1L);
	}

	/** "sum" was just started paused: it waits, then handles the events once resumed. */
	private void assertHandlesNothingUntilResumed(Long... positions) throws InterruptedException {
		assertThat(this.processors.status("sum").state()).isEqualTo(ProcessorState.PAUSED);
		ProcessorCatchUpTest.awaitIdle(runner("sum"));
		assertThat(this.handled).isEmpty();
		this.processors.resume("sum");
		this.processors.awaitProcessed("sum", positions[positions.length - 1], WAIT);
		assertThat(this.handled).containsExactly(positions);
	}

	@Test
	void closingTheStoreEndsAPausedProcessorsThread() throws Exception {
		register(ProcessorDefinition.builder("sum"));
		this.processors.start("sum");
		this.processors.pause("sum");
		ProcessorRunner runner = runner("sum");
		ProcessorCatchUpTest.awaitIdle(runner);
		Thread worker = runner.signals().thread();
		this.varve.close();
		assertThat(worker.isAlive()).isFalse();
		assertThat(runner.signals().thread()).isNull();
		assertThatExceptionOfType(VarveClosedException.class).isThrownBy(runner::resume)
			.withMessage("The store of processor 'sum' is closed");
	}

}

package io.varve.core.processor;

import java.util.EnumSet;
import java.util.Set;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.varve.processor.ProcessorState;

import static io.varve.core.processor.ProcessorPhase.CLOSED;
import static io.varve.core.processor.ProcessorPhase.FAILED;
import static io.varve.core.processor.ProcessorPhase.FAILED_PAUSED;
import static io.varve.core.processor.ProcessorPhase.PAUSED;
import static io.varve.core.processor.ProcessorPhase.RUNNING;
import static io.varve.core.processor.ProcessorPhase.STOPPED;
import static io.varve.core.processor.ProcessorPhase.STOPPED_PAUSED;
import static io.varve.core.processor.ProcessorPhase.STOPPING;
import static io.varve.core.processor.ProcessorPhase.STOPPING_PAUSED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class ProcessorPhaseTest {

	/**
	 * Every phase against every transition: the phase it moves to, or "-" where the
	 * transition cannot happen (an engine bug, refused with IllegalStateException).
	 */
	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|',
			textBlock = """
					# from          | start   | restart        | pause           | resume   | stop            | exit           | exit failed
					STOPPED         | RUNNING | STOPPED        | STOPPED_PAUSED  | STOPPED  | STOPPED         | -              | -
					STOPPED_PAUSED  | PAUSED  | STOPPED_PAUSED | STOPPED_PAUSED  | STOPPED  | STOPPED_PAUSED  | -              | -
					RUNNING         | -       | RUNNING        | PAUSED          | RUNNING  | STOPPING        | STOPPED        | FAILED
					PAUSED          | -       | PAUSED         | PAUSED          | RUNNING  | STOPPING_PAUSED | STOPPED_PAUSED | FAILED_PAUSED
					STOPPING        | -       | STOPPING       | STOPPING_PAUSED | STOPPING | STOPPING        | STOPPED        | FAILED
					STOPPING_PAUSED | -       | STOPPING_PAUSED| STOPPING_PAUSED | STOPPING | STOPPING_PAUSED | STOPPED_PAUSED | FAILED_PAUSED
					FAILED          | -       | STOPPED        | FAILED_PAUSED   | FAILED   | FAILED          | -              | -
					FAILED_PAUSED   | -       | STOPPED_PAUSED | FAILED_PAUSED   | FAILED   | FAILED_PAUSED   | -              | -
					CLOSED          | -       | -              | -               | -        | CLOSED          | CLOSED         | CLOSED
					""")
	void movesAlongItsTransitionTableAndRefusesTheRest(ProcessorPhase from, String start, String restart, String pause,
			String resume, String stop, String exit, String exitFailed) {
		assertMove(from, "start", ProcessorPhase::start, start);
		assertMove(from, "restart", ProcessorPhase::restart, restart);
		assertMove(from, "pause", ProcessorPhase::pause, pause);
		assertMove(from, "resume", ProcessorPhase::resume, resume);
		assertMove(from, "stop", ProcessorPhase::stop, stop);
		assertMove(from, "exit", (phase) -> phase.exit(false), exit);
		assertMove(from, "exit", (phase) -> phase.exit(true), exitFailed);
	}

	private static void assertMove(ProcessorPhase from, String name, UnaryOperator<ProcessorPhase> transition,
			String expected) {
		if (expected.equals("-")) {
			assertThatIllegalStateException().as("%s from %s", name, from)
				.isThrownBy(() -> transition.apply(from))
				.withMessage("A processor cannot " + name + " when it is " + from);
		}
		else {
			assertThat(transition.apply(from)).as("%s from %s", name, from).isEqualTo(ProcessorPhase.valueOf(expected));
		}
	}

	@Test
	void onlyPhasesWithAThreadCanEndOne() {
		Set<ProcessorPhase> withThread = EnumSet.of(RUNNING, PAUSED, STOPPING, STOPPING_PAUSED);
		for (ProcessorPhase phase : ProcessorPhase.values()) {
			assertThat(phase.hasThread()).as("%s has a thread", phase).isEqualTo(withThread.contains(phase));
		}
	}

	@Test
	void pausingIsKeptWhateverTheThreadDoes() {
		Set<ProcessorPhase> paused = EnumSet.of(STOPPED_PAUSED, PAUSED, STOPPING_PAUSED, FAILED_PAUSED);
		for (ProcessorPhase phase : ProcessorPhase.values()) {
			assertThat(phase.isPaused()).as("%s is paused", phase).isEqualTo(paused.contains(phase));
		}
		assertThat(STOPPED.pause().start().stop().exit(false).start()).isEqualTo(PAUSED);
		assertThat(RUNNING.pause().exit(true).restart().start()).isEqualTo(PAUSED);
		assertThat(FAILED_PAUSED.resume().restart().start()).isEqualTo(RUNNING);
	}

	@Test
	void theThreadEndsWhenAskedToStopOrWhenTheStoreCloses() {
		Set<ProcessorPhase> ending = EnumSet.of(STOPPING, STOPPING_PAUSED, CLOSED);
		for (ProcessorPhase phase : ProcessorPhase.values()) {
			assertThat(phase.isStopRequested()).as("%s ends its thread", phase).isEqualTo(ending.contains(phase));
		}
	}

	@Test
	void reportsTheStateThatHoldsWhateverTheLagOrLeavesItToTheLag() {
		assertThat(STOPPED.reportedState()).isEqualTo(ProcessorState.STOPPED);
		assertThat(STOPPED_PAUSED.reportedState()).isEqualTo(ProcessorState.STOPPED);
		assertThat(CLOSED.reportedState()).isEqualTo(ProcessorState.STOPPED);
		assertThat(PAUSED.reportedState()).isEqualTo(ProcessorState.PAUSED);
		assertThat(STOPPING_PAUSED.reportedState()).isEqualTo(ProcessorState.PAUSED);
		assertThat(FAILED.reportedState()).isEqualTo(ProcessorState.FAILED);
		assertThat(FAILED_PAUSED.reportedState()).isEqualTo(ProcessorState.FAILED);
		// Until its thread has ended and stored its last checkpoint.
		assertThat(STOPPING.reportedState()).isNull();
		assertThat(RUNNING.reportedState()).isNull();
		assertThat(FAILED.isFailed()).isTrue();
		assertThat(FAILED_PAUSED.isFailed()).isTrue();
		assertThat(EnumSet.complementOf(EnumSet.of(FAILED, FAILED_PAUSED))).noneMatch(ProcessorPhase::isFailed);
	}

}

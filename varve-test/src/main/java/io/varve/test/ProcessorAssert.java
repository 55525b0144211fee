package io.varve.test;

import org.assertj.core.api.AbstractAssert;

import io.varve.processor.ProcessorState;
import io.varve.processor.ProcessorStatus;

/**
 * Assertions on a processor's status; a failure shows every processor's state, lag and
 * last error.
 */
public final class ProcessorAssert extends AbstractAssert<ProcessorAssert, ProcessorStatus> {

	private final VarveTester tester;

	ProcessorAssert(ProcessorStatus status, VarveTester tester) {
		super(status, ProcessorAssert.class);
		this.tester = tester;
	}

	/**
	 * The processor is in a state.
	 * @param state the state
	 * @return this
	 */
	public ProcessorAssert hasState(ProcessorState state) {
		if (this.actual.state() != state) {
			failWithMessage("Expected processor '%s' to be %s but it is %s:%n%s", this.actual.name(), state,
					this.actual.state(), this.tester.describe(this.actual.headPosition()));
		}
		return this;
	}

	/**
	 * The processor is running (RUNNING or CATCHING_UP).
	 * @return this
	 */
	public ProcessorAssert isRunning() {
		if (this.actual.state() != ProcessorState.RUNNING && this.actual.state() != ProcessorState.CATCHING_UP) {
			failWithMessage("Expected processor '%s' to be running but it is %s:%n%s", this.actual.name(),
					this.actual.state(), this.tester.describe(this.actual.headPosition()));
		}
		return this;
	}

	/**
	 * The processor is this many events behind the head.
	 * @param lag the number of events
	 * @return this
	 */
	public ProcessorAssert hasLag(long lag) {
		if (this.actual.lag() != lag) {
			failWithMessage("Expected processor '%s' to be %d events behind but it is %d behind:%n%s",
					this.actual.name(), lag, this.actual.lag(), this.tester.describe(this.actual.headPosition()));
		}
		return this;
	}

	/**
	 * The processor has this many parked events.
	 * @param count the number of events
	 * @return this
	 */
	public ProcessorAssert hasParked(long count) {
		if (this.actual.parkedCount() != count) {
			failWithMessage("Expected processor '%s' to have %d parked events but it has %d:%n%s", this.actual.name(),
					count, this.actual.parkedCount(), this.tester.describe(this.actual.headPosition()));
		}
		return this;
	}

	/**
	 * The processor's checkpoint is at a position.
	 * @param position the position
	 * @return this
	 */
	public ProcessorAssert hasCheckpoint(long position) {
		if (this.actual.checkpoint() != position) {
			failWithMessage("Expected processor '%s' at checkpoint %d but it is at %d:%n%s", this.actual.name(),
					position, this.actual.checkpoint(), this.tester.describe(this.actual.headPosition()));
		}
		return this;
	}

}

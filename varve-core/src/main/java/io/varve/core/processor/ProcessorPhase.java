package io.varve.core.processor;

import io.varve.processor.ProcessorState;

/**
 * Where a processor is in its life, as one value: whether it has a thread, whether that
 * thread was asked to end, whether it ended on a failure, and whether the processor is
 * paused.
 *
 * <p>
 * Pausing is part of the phase rather than a flag beside it because it outlives the
 * thread: a processor paused before it starts, while it stops or after it failed starts
 * paused ({@link io.varve.processor.ProcessorRegistry#pause(String)}), so each phase
 * without a thread has a paused twin that {@link #start()} turns into {@link #PAUSED}.
 * Commit retries are not a phase: the thread runs the same loop while its commits fail,
 * and {@link CommittedCheckpoint} knows when they succeed again.
 *
 * <p>
 * Each transition returns the next phase or throws {@link IllegalStateException} when it
 * cannot happen from this one. {@link ProcessorLifecycle} holds the current phase and
 * refuses an operation with the exception its caller expects before asking for the
 * transition, so an {@link IllegalStateException} from here is a bug in the engine.
 */
enum ProcessorPhase {

	/** Not started, or stopped: no thread. */
	STOPPED,

	/** Paused while it had no thread: it starts paused. */
	STOPPED_PAUSED,

	/** Its thread handles events as they come. */
	RUNNING,

	/** Its thread handles nothing until resumed. */
	PAUSED,

	/** Asked to stop: its thread commits the batch in hand and ends. */
	STOPPING,

	/** Asked to stop while paused: its thread ends, and the processor stays paused. */
	STOPPING_PAUSED,

	/** Its thread ended on an error that waiting does not mend: restart it. */
	FAILED,

	/** Failed, and paused: restarting it starts it paused. */
	FAILED_PAUSED,

	/** The store closed: its thread, if any, ends, and nothing more can be done. */
	CLOSED;

	/** A thread was started for it. */
	ProcessorPhase start() {
		return switch (this) {
			case STOPPED -> RUNNING;
			case STOPPED_PAUSED -> PAUSED;
			default -> throw illegal("start");
		};
	}

	/** Its failure is cleared so that it can start again; other phases stay. */
	ProcessorPhase restart() {
		return switch (this) {
			case FAILED -> STOPPED;
			case FAILED_PAUSED -> STOPPED_PAUSED;
			case CLOSED -> throw illegal("restart");
			default -> this;
		};
	}

	ProcessorPhase pause() {
		return switch (this) {
			case STOPPED -> STOPPED_PAUSED;
			case RUNNING -> PAUSED;
			case STOPPING -> STOPPING_PAUSED;
			case FAILED -> FAILED_PAUSED;
			case CLOSED -> throw illegal("pause");
			default -> this;
		};
	}

	ProcessorPhase resume() {
		return switch (this) {
			case STOPPED_PAUSED -> STOPPED;
			case PAUSED -> RUNNING;
			case STOPPING_PAUSED -> STOPPING;
			case FAILED_PAUSED -> FAILED;
			case CLOSED -> throw illegal("resume");
			default -> this;
		};
	}

	/** Its thread is asked to end; without a thread, nothing changes. */
	ProcessorPhase stop() {
		return switch (this) {
			case RUNNING -> STOPPING;
			case PAUSED -> STOPPING_PAUSED;
			default -> this;
		};
	}

	/**
	 * Its thread ended.
	 * @param failed whether it ended on a failure
	 */
	ProcessorPhase exit(boolean failed) {
		return switch (this) {
			case RUNNING, STOPPING -> failed ? FAILED : STOPPED;
			case PAUSED, STOPPING_PAUSED -> failed ? FAILED_PAUSED : STOPPED_PAUSED;
			case CLOSED -> CLOSED;
			default -> throw illegal("exit");
		};
	}

	/** Whether a thread runs for it (or is still ending, when {@link #CLOSED}). */
	boolean hasThread() {
		return this == RUNNING || this == PAUSED || this == STOPPING || this == STOPPING_PAUSED;
	}

	boolean isPaused() {
		return this == STOPPED_PAUSED || this == PAUSED || this == STOPPING_PAUSED || this == FAILED_PAUSED;
	}

	/** Whether its thread, if any, is to end after the batch in hand. */
	boolean isStopRequested() {
		return this == STOPPING || this == STOPPING_PAUSED || this == CLOSED;
	}

	boolean isFailed() {
		return this == FAILED || this == FAILED_PAUSED;
	}

	/**
	 * The state a status reports whatever the lag, or null while its thread handles
	 * events and the lag and its commits decide (RUNNING, CATCHING_UP, STALLED or
	 * RETRYING). A processor that is stopping still reports as running until its thread
	 * has ended, so that a stopped status always comes with the checkpoint it stays at.
	 */
	ProcessorState reportedState() {
		return switch (this) {
			case STOPPED, STOPPED_PAUSED, CLOSED -> ProcessorState.STOPPED;
			case PAUSED, STOPPING_PAUSED -> ProcessorState.PAUSED;
			case FAILED, FAILED_PAUSED -> ProcessorState.FAILED;
			case RUNNING, STOPPING -> null;
		};
	}

	private IllegalStateException illegal(String transition) {
		return new IllegalStateException("A processor cannot " + transition + " when it is " + this);
	}

}

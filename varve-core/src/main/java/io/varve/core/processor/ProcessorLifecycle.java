package io.varve.core.processor;

import java.util.function.Supplier;
import java.util.function.UnaryOperator;

import io.varve.VarveClosedException;
import io.varve.processor.ProcessorError;
import io.varve.processor.ProcessorStateException;

/**
 * A processor's phase, held in one field and moved by one transition at a time.
 *
 * <p>
 * Operations, the processor's thread and the store's closing all move the phase, from
 * different threads; each move reads and writes it under this object's lock, so that a
 * pause cannot undo a thread's exit that came in between. Reads need no lock. A move that
 * concerns the thread tells it through {@link WorkerSignals}: a resume, a stop or the
 * store's closing wakes it, and the phase it reads then says what to do.
 */
final class ProcessorLifecycle {

	private final String name;

	private final WorkerSignals signals;

	private final Supplier<ProcessorError> lastError;

	private volatile ProcessorPhase phase = ProcessorPhase.STOPPED;

	/**
	 * @param name the processor's name, for messages
	 * @param signals the thread's signals
	 * @param lastError its last error, for the message that refuses to start it
	 */
	ProcessorLifecycle(String name, WorkerSignals signals, Supplier<ProcessorError> lastError) {
		this.name = name;
		this.signals = signals;
		this.lastError = lastError;
	}

	ProcessorPhase phase() {
		return this.phase;
	}

	/**
	 * Whether starting has work to do: false when its thread runs already.
	 * @throws VarveClosedException if the store closed
	 * @throws ProcessorStateException if it is FAILED
	 */
	synchronized boolean checkStartable() {
		ProcessorPhase current = checkOpen();
		if (current.isFailed()) {
			throw new ProcessorStateException(
					"Processor '" + this.name + "' is FAILED (" + ProcessorCounters.describe(this.lastError.get())
							+ "); fix the cause and call restart(\"" + this.name + "\")");
		}
		return !current.hasThread();
	}

	/**
	 * Hands the processor to its new thread, before that thread starts. A pause that came
	 * since {@link #checkStartable()} makes it start paused.
	 * @param worker the thread, not started yet
	 */
	synchronized void started(Thread worker) {
		this.phase = checkOpen().start();
		this.signals.attach(worker);
	}

	/** Clears a failure so that the processor can start again. */
	synchronized void restart() {
		this.phase = checkOpen().restart();
	}

	void pause() {
		move(ProcessorPhase::pause);
	}

	void resume() {
		move(ProcessorPhase::resume);
		this.signals.wake();
	}

	/** Asks its thread, if any, to end after the batch in hand. */
	void requestStop() {
		synchronized (this) {
			this.phase = this.phase.stop();
		}
		this.signals.wake();
	}

	/**
	 * The thread ended; called by that thread as its last act.
	 * @param failed whether it ended on a failure
	 */
	synchronized void exited(boolean failed) {
		this.phase = this.phase.exit(failed);
		this.signals.detach();
	}

	/** The store closed: its thread, if any, ends, and no operation is accepted. */
	void close() {
		synchronized (this) {
			this.phase = ProcessorPhase.CLOSED;
		}
		this.signals.wake();
	}

	/**
	 * @throws VarveClosedException if the store closed
	 */
	ProcessorPhase checkOpen() {
		ProcessorPhase current = this.phase;
		if (current == ProcessorPhase.CLOSED) {
			throw new VarveClosedException("The store of processor '" + this.name + "' is closed");
		}
		return current;
	}

	private synchronized void move(UnaryOperator<ProcessorPhase> transition) {
		this.phase = transition.apply(checkOpen());
	}

}

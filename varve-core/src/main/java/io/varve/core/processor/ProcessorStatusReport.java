package io.varve.core.processor;

import java.time.Duration;
import java.time.temporal.ChronoUnit;

import io.varve.core.storage.ReadTxn;
import io.varve.processor.ProcessorState;
import io.varve.processor.ProcessorStatus;

/**
 * Works out a processor's status: lag from the gapless positions, the age of the event
 * after the checkpoint from its commit time, and whether it is stalled.
 */
final class ProcessorStatusReport {

	private ProcessorStatusReport() {
	}

	static ProcessorStatus of(ProcessorRunner runner) {
		ProcessorServices services = runner.services();
		// State first: a processor's thread stores its last checkpoint before it reports
		// itself FAILED or STOPPED, and reports RETRYING once every commit before the
		// failed one has completed, so a checkpoint read after that state is the one it
		// stays at or goes on from.
		ProcessorState fixed = fixedState(runner);
		long checkpoint = runner.checkpoints().state().committed();
		long head = services.head();
		long oldest = (head > checkpoint) ? services.read((txn) -> ProcessorTables.timestampMicros(txn, checkpoint + 1))
				: -1;
		return status(runner, fixed, checkpoint, head, oldest, runner.counters().parked.get());
	}

	/**
	 * The status as of a snapshot: checkpoint, head, lag, the oldest event's age and the
	 * parked count are read from it, so that they agree with anything else read from the
	 * same snapshot. State and counters are the processor's own, at this moment.
	 */
	static ProcessorStatus of(ProcessorRunner runner, ReadTxn txn) {
		ProcessorState fixed = fixedState(runner);
		long checkpoint = Math.max(0, ProcessorTables.checkpoint(txn, runner.name()));
		long head = txn.headPosition();
		long oldest = (head > checkpoint) ? ProcessorTables.timestampMicros(txn, checkpoint + 1) : -1;
		return status(runner, fixed, checkpoint, head, oldest, ProcessorTables.parkedCount(txn, runner.name()));
	}

	private static ProcessorStatus status(ProcessorRunner runner, ProcessorState fixed, long checkpoint, long head,
			long oldestMicros, long parked) {
		long lag = Math.max(0, head - checkpoint);
		long now = runner.services().nowMicros();
		Duration age = (oldestMicros >= 0) ? Duration.of(Math.max(0, now - oldestMicros), ChronoUnit.MICROS)
				: Duration.ZERO;
		ProcessorState state = (fixed != null) ? fixed : byProgress(runner, lag, now, oldestMicros);
		ProcessorCounters counters = runner.counters();
		return new ProcessorStatus(runner.name(), state, checkpoint, head, lag, age, counters.eventsHandled.get(),
				counters.errors.get(), counters.lastError(), parked);
	}

	/** FAILED, STOPPED, PAUSED or RETRYING, whatever the lag; else null. */
	private static ProcessorState fixedState(ProcessorRunner runner) {
		ProcessorState base = runner.baseState();
		if (base == null && runner.checkpoints().state().failedInARow() > 0) {
			return ProcessorState.RETRYING;
		}
		return base;
	}

	private static ProcessorState byProgress(ProcessorRunner runner, long lag, long nowMicros, long oldestMicros) {
		if (lag > 0) {
			// Behind since the later of its last progress and the oldest waiting event,
			// so that a long idle spell before the event came does not count.
			long since = Math.max(runner.lastProgressMicros(), oldestMicros);
			if (nowMicros - since >= runner.definition().stallTimeout().toNanos() / 1000) {
				return ProcessorState.STALLED;
			}
		}
		// More than a batch behind is catching up, also for a processor that was live
		// before a burst; within one batch, the batch in hand reaches the head.
		return (lag > runner.definition().batchSize()) ? ProcessorState.CATCHING_UP : ProcessorState.RUNNING;
	}

}

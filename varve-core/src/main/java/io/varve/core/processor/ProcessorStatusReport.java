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
		// itself FAILED or STOPPED, so a checkpoint read after that state is the final
		// one.
		ProcessorState base = runner.baseState();
		long checkpoint = runner.checkpoints().committed();
		long head = services.head();
		long lag = Math.max(0, head - checkpoint);
		long now = services.nowMicros();
		long oldest = (lag > 0) ? services.read((txn) -> ProcessorTables.timestampMicros(txn, checkpoint + 1)) : -1;
		Duration age = (oldest >= 0) ? Duration.of(Math.max(0, now - oldest), ChronoUnit.MICROS) : Duration.ZERO;
		ProcessorCounters counters = runner.counters();
		return new ProcessorStatus(runner.name(), state(runner, base, lag, now, oldest), checkpoint, head, lag, age,
				counters.eventsHandled.get(), counters.errors.get(), counters.lastError(), counters.parked.get());
	}

	/**
	 * The status as of a snapshot: checkpoint, head, lag, the oldest event's age and the
	 * parked count are read from it, so that they agree with anything else read from the
	 * same snapshot. State and counters are the processor's own, at this moment.
	 */
	static ProcessorStatus of(ProcessorRunner runner, ReadTxn txn) {
		ProcessorServices services = runner.services();
		ProcessorState base = runner.baseState();
		long checkpoint = Math.max(0, ProcessorTables.checkpoint(txn, runner.name()));
		long head = txn.headPosition();
		long lag = Math.max(0, head - checkpoint);
		long now = services.nowMicros();
		long oldest = (lag > 0) ? ProcessorTables.timestampMicros(txn, checkpoint + 1) : -1;
		Duration age = (oldest >= 0) ? Duration.of(Math.max(0, now - oldest), ChronoUnit.MICROS) : Duration.ZERO;
		ProcessorCounters counters = runner.counters();
		return new ProcessorStatus(runner.name(), state(runner, base, lag, now, oldest), checkpoint, head, lag, age,
				counters.eventsHandled.get(), counters.errors.get(), counters.lastError(),
				ProcessorTables.parkedCount(txn, runner.name()));
	}

	private static ProcessorState state(ProcessorRunner runner, ProcessorState base, long lag, long nowMicros,
			long oldestMicros) {
		if (base != null) {
			return base;
		}
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

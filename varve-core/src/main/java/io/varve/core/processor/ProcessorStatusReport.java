package io.varve.core.processor;

import java.time.Duration;
import java.time.temporal.ChronoUnit;

import io.varve.core.storage.ReadTxn;
import io.varve.processor.ErrorPolicy;
import io.varve.processor.ProcessorDefinition;
import io.varve.processor.ProcessorState;
import io.varve.processor.ProcessorStatus;

/**
 * Works out a processor's status: lag from the gapless positions, the age of the event
 * after the checkpoint from its commit time, and whether it is stalled.
 */
final class ProcessorStatusReport {

	private final ProcessorDefinition definition;

	private final ProcessorServices services;

	private final ProcessorLifecycle lifecycle;

	private final CommittedCheckpoint committed;

	private final ProcessorCounters counters;

	private final ProcessorProgress progress;

	ProcessorStatusReport(ProcessorDefinition definition, ProcessorServices services, ProcessorLifecycle lifecycle,
			CommittedCheckpoint committed, ProcessorCounters counters, ProcessorProgress progress) {
		this.definition = definition;
		this.services = services;
		this.lifecycle = lifecycle;
		this.committed = committed;
		this.counters = counters;
		this.progress = progress;
	}

	ProcessorStatus status() {
		// State first: a processor's thread stores its last checkpoint before it reports
		// itself FAILED or STOPPED, and reports RETRYING once every commit before the
		// failed one has completed, so a checkpoint read after that state is the one it
		// stays at or goes on from.
		ProcessorState fixed = fixedState();
		long checkpoint = this.committed.committed();
		long head = this.services.head();
		long oldest = (head > checkpoint)
				? this.services.read((txn) -> ProcessorTables.timestampMicros(txn, checkpoint + 1)) : -1;
		return status(fixed, checkpoint, head, oldest, this.counters.parked.get());
	}

	/**
	 * The status as of a snapshot: checkpoint, head, lag, the oldest event's age and the
	 * parked count are read from it, so that they agree with anything else read from the
	 * same snapshot. State and counters are the processor's own, at this moment.
	 */
	ProcessorStatus status(ReadTxn txn) {
		ProcessorState fixed = fixedState();
		String name = this.definition.name();
		long checkpoint = Math.max(0, ProcessorTables.checkpoint(txn, name));
		long head = txn.headPosition();
		long oldest = (head > checkpoint) ? ProcessorTables.timestampMicros(txn, checkpoint + 1) : -1;
		return status(fixed, checkpoint, head, oldest, ProcessorTables.parkedCount(txn, name));
	}

	private ProcessorStatus status(ProcessorState fixed, long checkpoint, long head, long oldestMicros, long parked) {
		long behind = Math.max(0, head - checkpoint);
		// Held events count in the lag; the state follows the log alone.
		long lag = behind
				+ ((this.definition.errorPolicy() == ErrorPolicy.PARK_STREAM) ? this.counters.holds.heldCount() : 0);
		long now = this.services.nowMicros();
		Duration age = (oldestMicros >= 0) ? Duration.of(Math.max(0, now - oldestMicros), ChronoUnit.MICROS)
				: Duration.ZERO;
		ProcessorState state = (fixed != null) ? fixed : byProgress(behind, now, oldestMicros);
		return new ProcessorStatus(this.definition.name(), state, checkpoint, head, lag, age,
				this.counters.eventsHandled.get(), this.counters.errors.get(), this.counters.lastError(), parked);
	}

	/** FAILED, STOPPED, PAUSED or RETRYING, whatever the lag; else null. */
	private ProcessorState fixedState() {
		ProcessorState reported = this.lifecycle.phase().reportedState();
		if (reported == null && this.committed.failedInARow() > 0) {
			return ProcessorState.RETRYING;
		}
		return reported;
	}

	private ProcessorState byProgress(long lag, long nowMicros, long oldestMicros) {
		if (lag > 0) {
			// Behind since the later of its last progress and the oldest waiting event,
			// so that a long idle spell before the event came does not count.
			long since = Math.max(this.progress.lastProgressMicros(), oldestMicros);
			if (nowMicros - since >= this.definition.stallTimeout().toNanos() / 1000) {
				return ProcessorState.STALLED;
			}
		}
		// More than a batch behind is catching up, also for a processor that was live
		// before a burst; within one batch, the batch in hand reaches the head.
		return (lag > this.definition.batchSize()) ? ProcessorState.CATCHING_UP : ProcessorState.RUNNING;
	}

}

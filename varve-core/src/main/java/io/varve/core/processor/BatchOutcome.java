package io.varve.core.processor;

import java.util.List;

import io.varve.processor.ParkedEvent;
import io.varve.processor.ProcessorError;

/**
 * What a batch came to, for the processor's thread to commit: the checkpoint up to which
 * every event was handled, parked or filtered out, the projection writes and parked
 * events to commit with it, and the failure that stops the processor, if any.
 *
 * @param checkpoint the checkpoint to store
 * @param handled the events handled or parked, counted once committed
 * @param writes the projection writes of those events
 * @param parked the events parked
 * @param failure the failure that stops the processor after this commit, or null
 */
record BatchOutcome(long checkpoint, int handled, ProjectionBuffer writes, List<ParkedEvent> parked,
		ProcessorError failure) {

	/** Whether the commit only moves the checkpoint, so that nobody waits for it. */
	boolean movesCheckpointOnly() {
		return this.writes.isEmpty() && this.parked.isEmpty();
	}

	/**
	 * The commit of the writes, parked entries and checkpoint, in one transaction.
	 * @param processor the processor's name
	 * @param owners the table directory, which records the tables the processor writes
	 * @return the commit, completed off the writer thread
	 */
	ProcessorCommit commit(String processor, ProjectionTables owners) {
		ProcessorCommit commit = new ProcessorCommit(true, processor, this.checkpoint).projections(this.writes, owners);
		this.parked.forEach(
				(entry) -> commit.park(ProcessorKeys.parked(processor, entry.position()), ParkedRecord.encode(entry)));
		return commit;
	}

}

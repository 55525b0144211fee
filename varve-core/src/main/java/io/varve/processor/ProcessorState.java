package io.varve.processor;

/**
 * The state of a processor, as reported by {@link ProcessorRegistry#status(String)}.
 */
public enum ProcessorState {

	/**
	 * Running and at most one batch ({@link ProcessorDefinition#batchSize()} positions)
	 * behind the head: handling events as they are committed.
	 */
	RUNNING,

	/**
	 * Running and more than one batch behind the head, working through the events before
	 * it in batches; also after a burst of appends puts a processor that was at the head
	 * that far behind.
	 */
	CATCHING_UP,

	/** Started, but paused: it handles nothing until resumed. */
	PAUSED,

	/**
	 * Running, but its last commit failed on a storage error, such as a full disk or a
	 * store at its maximum size. Nothing of that commit was stored: the processor handles
	 * the events since its checkpoint again and commits again after its retry policy's
	 * backoff, and goes on by itself once a commit succeeds.
	 * {@link ProcessorStatus#lastError()} says which commit failed and why. (A handler
	 * that fails and is retried does not make a processor RETRYING.)
	 */
	RETRYING,

	/**
	 * Stopped by its {@link ErrorPolicy#STOP} policy, or by a commit that failed on
	 * something other than storage (a damaged store file); restart it once the cause is
	 * fixed.
	 */
	FAILED,

	/**
	 * Running and behind, but its checkpoint has not moved for longer than its stall
	 * timeout: a handler is probably stuck.
	 */
	STALLED,

	/** Not started, or stopped. */
	STOPPED

}

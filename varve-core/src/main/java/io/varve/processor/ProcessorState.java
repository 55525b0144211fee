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
	 * Stopped by its {@link ErrorPolicy#STOP} policy; restart it once the cause is fixed.
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

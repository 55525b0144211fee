package io.varve.processor;

/**
 * The state of a processor, as reported by {@link ProcessorRegistry#status(String)}.
 */
public enum ProcessorState {

	/** Running and caught up: handling events as they are committed. */
	RUNNING,

	/** Running and working through the events before the head, in batches. */
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

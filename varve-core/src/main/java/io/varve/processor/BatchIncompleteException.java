package io.varve.processor;

import io.varve.VarveException;

/**
 * Thrown by a {@link BatchBarrier} when an event of the batch did not get where the
 * handler sent it: names the first such event, and whether trying again may help.
 */
public class BatchIncompleteException extends VarveException {

	private static final long serialVersionUID = 1L;

	private final long position;

	private final boolean retriable;

	/**
	 * @param message what went wrong
	 * @param position the position of the first event that is not complete
	 * @param retriable whether a later attempt may succeed (a broker outage) or not (a
	 * record the broker refuses)
	 * @param cause the cause
	 */
	public BatchIncompleteException(String message, long position, boolean retriable, Throwable cause) {
		super(message, cause);
		this.position = position;
		this.retriable = retriable;
	}

	/** The position of the first event of the batch that is not complete. */
	public long position() {
		return this.position;
	}

	/** Whether a later attempt may succeed. */
	public boolean retriable() {
		return this.retriable;
	}

}

package io.varve.processor;

import io.varve.VarveException;

/**
 * A reset was cancelled and changed nothing: its callback threw, or its commit failed
 * (such as on a full disk). The cause is the callback's exception or the storage error.
 * Neither the callback's projection writes, nor the checkpoint, nor the parked events
 * changed; the processor goes on from where it was.
 */
public class ResetFailedException extends VarveException {

	private static final long serialVersionUID = 1L;

	public ResetFailedException(String message) {
		super(message);
	}

	public ResetFailedException(String message, Throwable cause) {
		super(message, cause);
	}

}

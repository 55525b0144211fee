package io.varve.processor;

import io.varve.VarveException;

/**
 * The reset callback threw, so the reset was cancelled and changed nothing; the cause is
 * the callback's exception.
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

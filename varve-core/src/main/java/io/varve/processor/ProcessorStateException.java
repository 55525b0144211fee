package io.varve.processor;

import io.varve.VarveException;

/**
 * An operation does not fit the processor's state, such as starting a FAILED processor
 * (restart it instead) or resetting a processor from its own handler.
 */
public class ProcessorStateException extends VarveException {

	private static final long serialVersionUID = 1L;

	public ProcessorStateException(String message) {
		super(message);
	}

	public ProcessorStateException(String message, Throwable cause) {
		super(message, cause);
	}

}

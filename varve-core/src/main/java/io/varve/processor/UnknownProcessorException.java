package io.varve.processor;

import io.varve.VarveException;

/**
 * No processor of that name is registered with the store. The message names the
 * processors that are.
 */
public class UnknownProcessorException extends VarveException {

	private static final long serialVersionUID = 1L;

	public UnknownProcessorException(String message) {
		super(message);
	}

	public UnknownProcessorException(String message, Throwable cause) {
		super(message, cause);
	}

}

package io.varve.processor;

import io.varve.VarveException;

/**
 * A processor of that name is already registered with the store; processor names are
 * unique because each keeps its checkpoint under its name.
 */
public class DuplicateProcessorException extends VarveException {

	private static final long serialVersionUID = 1L;

	public DuplicateProcessorException(String message) {
		super(message);
	}

	public DuplicateProcessorException(String message, Throwable cause) {
		super(message, cause);
	}

}

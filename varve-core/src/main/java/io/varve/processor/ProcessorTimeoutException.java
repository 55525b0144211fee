package io.varve.processor;

import io.varve.VarveException;

/**
 * {@link ProcessorRegistry#awaitProcessed} timed out before the processor's checkpoint
 * reached the position. The message tells where the processor is and what state it is in.
 */
public class ProcessorTimeoutException extends VarveException {

	private static final long serialVersionUID = 1L;

	public ProcessorTimeoutException(String message) {
		super(message);
	}

	public ProcessorTimeoutException(String message, Throwable cause) {
		super(message, cause);
	}

}

package io.varve.processor;

import io.varve.VarveException;

/**
 * The processor is {@link ProcessorState#FAILED}: its last error is in {@link #error()}.
 * Fix the cause and call {@link ProcessorRegistry#restart(String)}.
 */
public class ProcessorFailedException extends VarveException {

	private static final long serialVersionUID = 1L;

	private final transient ProcessorError error;

	public ProcessorFailedException(String message, ProcessorError error) {
		super(message);
		this.error = error;
	}

	/** The error that failed the processor, or null when unknown. */
	public ProcessorError error() {
		return this.error;
	}

}

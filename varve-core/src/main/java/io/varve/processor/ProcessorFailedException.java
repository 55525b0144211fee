package io.varve.processor;

import org.jspecify.annotations.Nullable;

import io.varve.VarveException;

/**
 * The processor is {@link ProcessorState#FAILED}: its last error is in {@link #error()}.
 * Fix the cause and call {@link ProcessorRegistry#restart(String)}.
 */
public class ProcessorFailedException extends VarveException {

	private static final long serialVersionUID = 1L;

	private final transient @Nullable ProcessorError error;

	public ProcessorFailedException(String message, @Nullable ProcessorError error) {
		super(message);
		this.error = error;
	}

	/** The error that failed the processor, or null when unknown. */
	public @Nullable ProcessorError error() {
		return this.error;
	}

}

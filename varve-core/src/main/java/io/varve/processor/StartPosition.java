package io.varve.processor;

/**
 * Where a processor with no checkpoint starts. A processor that has a checkpoint always
 * resumes from it.
 *
 * <pre>{@code
 * ProcessorDefinition.builder("mailer").startPosition(StartPosition.END)...
 * }</pre>
 */
public enum StartPosition {

	/** Handle the whole log, from the first event. */
	BEGINNING,

	/** Handle only events appended after the processor first starts. */
	END

}

package io.varve.processor;

/**
 * What a processor does with an event whose handler still fails after its retries.
 *
 * <pre>{@code
 * ProcessorDefinition.builder("balances").errorPolicy(ErrorPolicy.PARK)...
 * }</pre>
 */
public enum ErrorPolicy {

	/**
	 * Stop the processor: its state becomes {@link ProcessorState#FAILED}, its checkpoint
	 * stays just before the failing event, and the error, position and event id are kept
	 * in its {@link ProcessorStatus}. Fix the cause and call
	 * {@link ProcessorRegistry#restart(String)}.
	 */
	STOP,

	/**
	 * Park the event in the processor's dead-letter list, in the same transaction as the
	 * checkpoint advance, and go on with the next event. Parked events are listed,
	 * retried and discarded through the {@link ProcessorRegistry}.
	 */
	PARK

}

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
	 * retried and discarded through the {@link ProcessorRegistry}. Later events of the
	 * same stream are handled: use {@link #PARK_STREAM} where a stream's events must be
	 * handled in order.
	 */
	PARK,

	/**
	 * Park the event like {@link #PARK}, and hold back every later event of its stream
	 * that the processor would handle, in order, while other streams go on: a projection
	 * per aggregate never sees an aggregate's events out of order. Retrying the parked
	 * event ({@link ProcessorRegistry#retryParked}) handles it and then the held events
	 * in order (a held event that fails becomes the stream's parked event, the rest stay
	 * held behind it); discarding it releases the held events the same way. Held events
	 * are listed with the parked ones ({@link ParkedEvent#held()}) and count in the lag.
	 * More held events than {@link ProcessorDefinition.Builder#maxHeldEvents(int)} stop
	 * the processor ({@link ProcessorState#FAILED}), so that a poisoned hot stream cannot
	 * grow the dead-letter list without end.
	 */
	PARK_STREAM

}

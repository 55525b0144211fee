package io.varve.processor;

/**
 * What a handler can use besides the event.
 *
 * <pre>{@code
 * (event, context) -> context.projections().put("last-seen", event.stream(), event.position())
 * }</pre>
 */
public interface ProcessorContext {

	/** The processor's name. */
	String processorName();

	/**
	 * The projection store. Writes are held back and commit together with the checkpoint
	 * after the batch; reads see them at once (read-your-own-writes within the batch).
	 * @return the store, valid during the handler call
	 */
	ProjectionStore projections();

	/** Which attempt at the current event this is: 1 the first time, more on retries. */
	int attempt();

}

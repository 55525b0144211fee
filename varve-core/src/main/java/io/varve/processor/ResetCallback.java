package io.varve.processor;

/**
 * Called when a processor is reset to replay events, so that its projection can drop the
 * state built from them. What it writes commits in the same transaction as the checkpoint
 * change: either both happen or neither does.
 *
 * <pre>{@code
 * ProcessorDefinition.builder("balances")
 *     .handler(balances)
 *     .onReset((projections) -> projections.clear("balances"))
 *     .build();
 * }</pre>
 */
@FunctionalInterface
public interface ResetCallback {

	/**
	 * Prepares the projection for a replay.
	 * @param projections the projection store; its writes commit with the reset
	 * @param fromPosition the first position that will be handled again (1 for the
	 * beginning)
	 * @throws Exception to cancel the reset, which then changes nothing
	 */
	void reset(ProjectionStore projections, long fromPosition) throws Exception;

}

package io.varve.processor;

import io.varve.RecordedEvent;

/**
 * Handles the events of a processor, one at a time, in global position order, on the
 * processor's own thread.
 *
 * <pre>{@code
 * EventHandler balances = (event, context) -> {
 *     if (event.data() instanceof Deposited deposited) {
 *         ProjectionStore store = context.projections();
 *         long balance = store.get("balances", event.stream(), Long.class).orElse(0L);
 *         store.put("balances", event.stream(), balance + deposited.amount());
 *     }
 * };
 * }</pre>
 *
 * <p>
 * Writes through {@link ProcessorContext#projections()} commit in the same transaction as
 * the checkpoint, so each event changes the projection exactly once, even across crashes.
 * Other side effects (mail, HTTP calls) happen at least once: an event may be handled
 * again after a crash or a retry, so use {@link RecordedEvent#id()} to recognise repeats.
 * Throwing fails the event: it is retried and then the processor's {@link ErrorPolicy}
 * applies; its projection writes are discarded.
 */
@FunctionalInterface
public interface EventHandler {

	/**
	 * Handles one event.
	 * @param event the event
	 * @param context the processor's context: its name and its projection store
	 * @throws Exception to fail the event
	 */
	void handle(RecordedEvent event, ProcessorContext context) throws Exception;

}

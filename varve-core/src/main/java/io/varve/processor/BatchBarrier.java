package io.varve.processor;

/**
 * What a processor waits for before its checkpoint moves past a batch: for handlers that
 * hand events to something outside the store asynchronously (the Kafka forwarder sends
 * each event and collects the broker's acknowledgements here), so that a batch counts as
 * handled only once that outside system has taken all of it.
 * <p>
 * Called on the processor's thread after the handler took every event of a batch and
 * before the batch commits. When it throws, nothing of the batch commits (its projection
 * writes are dropped) and the whole batch is handled again after the processor's
 * {@link RetryPolicy} backoff; when the attempts run out the processor is
 * {@link ProcessorState#FAILED} at the batch's first event, unless the exception is a
 * {@link BatchIncompleteException} that is not retriable, the error policy parks
 * ({@link ErrorPolicy#PARK} or {@link ErrorPolicy#PARK_STREAM}) and the batch wrote no
 * projections: then the event it names is parked and the processor goes on after it.
 */
@FunctionalInterface
public interface BatchBarrier {

	/**
	 * Waits until what the handler started for the batch is complete.
	 * @param lastPosition the position of the batch's last event
	 * @param attempt 1 for the batch's first try, then counting its retries
	 * @throws Exception when some of it is not complete; preferably a
	 * {@link BatchIncompleteException} naming the first event that is not
	 */
	void awaitBatch(long lastPosition, int attempt) throws Exception;

}

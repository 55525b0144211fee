package io.varve;

import java.util.List;

import io.varve.processor.ProcessorStatus;

/**
 * A store's figures read from one snapshot, so that they agree with each other:
 * {@link Varve#overview()}.
 *
 * @param headPosition position of the last event, 0 when the log is empty
 * @param streamCount number of streams
 * @param storeInfo settings and storage figures, as of the same moment
 * @param processors every processor's status, in registration order, with lags against
 * {@code headPosition}
 */
public record StoreOverview(long headPosition, long streamCount, StoreInfo storeInfo,
		List<ProcessorStatus> processors) {

	/** Copies the list. */
	public StoreOverview {
		processors = List.copyOf(processors);
	}

}

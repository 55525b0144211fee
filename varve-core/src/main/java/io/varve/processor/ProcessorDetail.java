package io.varve.processor;

import java.util.List;

/**
 * A processor's status and a page of its parked events, read from one snapshot:
 * {@link ProcessorRegistry#detail(String, long, int)}.
 *
 * @param status the processor's status
 * @param parked the page of parked events, in position order
 */
public record ProcessorDetail(ProcessorStatus status, List<ParkedEvent> parked) {

	/** Copies the list. */
	public ProcessorDetail {
		parked = List.copyOf(parked);
	}

}

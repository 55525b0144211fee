package io.varve.core.storage;

import org.agrona.DirectBuffer;

/**
 * Receives stored envelopes during a scan. The buffer is valid only during the call.
 */
@FunctionalInterface
public interface LogVisitor {

	/**
	 * Visits one event.
	 * @param position its global position
	 * @param envelope its envelope, valid only during this call
	 * @return whether to go on
	 */
	boolean visit(long position, DirectBuffer envelope);

}

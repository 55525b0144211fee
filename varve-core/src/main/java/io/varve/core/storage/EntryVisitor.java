package io.varve.core.storage;

import org.agrona.DirectBuffer;

/**
 * Receives key-value entries during a scan. Buffers are valid only during the call.
 */
@FunctionalInterface
public interface EntryVisitor {

	/**
	 * Visits one entry.
	 * @param key the key
	 * @param value the value
	 * @return whether to go on
	 */
	boolean visit(DirectBuffer key, DirectBuffer value);

}

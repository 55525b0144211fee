package io.varve.core.processor;

import java.util.List;
import java.util.Map;

/**
 * Projection state beneath a batch's own writes: the committed store, or the writes of
 * the previous batch whose commit is still in flight over it.
 */
interface ProjectionLayer {

	/**
	 * What this layer holds for a key.
	 * @param table the table
	 * @param key the key
	 * @param fullKey the stored key
	 * @return the value, {@link ProjectionBuffer#DELETED} when deleted here, or null
	 */
	byte[] raw(String table, String key, byte[] fullKey);

	/**
	 * Live entries of a table after a key, in key order.
	 * @param table the table
	 * @param prefix the table's key prefix
	 * @param afterKey the key to start after, or null
	 * @param limit the most entries
	 * @return the entries, deletions left out
	 */
	List<Map.Entry<String, byte[]>> rawAfter(String table, byte[] prefix, String afterKey, int limit);

}

package io.varve.processor;

/**
 * The transactional key-value store of a processor's handler. Writes are buffered while a
 * batch of events is handled, are visible to the rest of the batch, and commit in one
 * transaction together with the processor's checkpoint. If the handler throws for an
 * event, the writes made for that event are discarded.
 *
 * <pre>{@code
 * (event, context) -> {
 *     ProjectionStore store = context.projections();
 *     if (event.data() instanceof AccountOpened opened) {
 *         store.put("accounts", event.stream(), new AccountSummary(opened.owner(), 0));
 *     }
 *     else if (event.data() instanceof AccountClosed) {
 *         store.delete("accounts", event.stream());
 *     }
 * }
 * }</pre>
 */
public interface ProjectionStore extends ProjectionView {

	/**
	 * Writes a value, replacing any value of that key.
	 * @param table the table name (1 to 255 bytes of UTF-8 text)
	 * @param key the key, non-empty; table and key together are at most 510 bytes of
	 * UTF-8
	 * @param value the value, encoded as Jackson Smile
	 */
	void put(String table, String key, Object value);

	/**
	 * Removes a key, if present.
	 * @param table the table name
	 * @param key the key
	 */
	void delete(String table, String key);

	/**
	 * Removes every key of a table.
	 * @param table the table name
	 */
	void clear(String table);

}

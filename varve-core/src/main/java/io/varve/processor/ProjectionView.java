package io.varve.processor;

import java.util.List;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * Read access to projection tables: named tables of string keys and values stored as
 * Jackson Smile. Query code gets one from {@link ProcessorRegistry#projections()}; a
 * handler gets a {@link ProjectionStore} that can also write.
 *
 * <pre>{@code
 * ProjectionView projections = varve.processors().projections();
 * varve.processors().awaitProcessed("balances", appended.lastPosition(), Duration.ofSeconds(5));
 * long balance = projections.get("balances", "account-42", Long.class).orElse(0L);
 * }</pre>
 *
 * Tables are shared by the whole store: give each processor its own tables. Keys are
 * ordered by their UTF-8 bytes (that is, by Unicode code point).
 */
public interface ProjectionView {

	/**
	 * Reads a value.
	 * @param <T> the value type
	 * @param table the table name
	 * @param key the key
	 * @param type the class to decode the value into
	 * @return the value, or empty when the key is absent
	 */
	<T> Optional<T> get(String table, String key, Class<T> type);

	/**
	 * Lists entries in key order, a page at a time.
	 * @param <T> the value type
	 * @param table the table name
	 * @param afterKey start after this key (the last key of the previous page), or null
	 * for the first page
	 * @param limit the most entries to return, 1 to 10,000
	 * @param type the class to decode values into
	 * @return the page
	 */
	<T> List<ProjectionEntry<T>> list(String table, @Nullable String afterKey, int limit, Class<T> type);

}

package io.varve.processor;

/**
 * One entry of a projection table, as listed by
 * {@link ProjectionView#list(String, String, int, Class)}.
 *
 * <pre>{@code
 * for (ProjectionEntry<Long> entry : projections.list("balances", null, 100, Long.class)) {
 *     System.out.println(entry.key() + " = " + entry.value());
 * }
 * }</pre>
 *
 * @param <T> the value type
 * @param key the key
 * @param value the decoded value
 */
public record ProjectionEntry<T>(String key, T value) {

}

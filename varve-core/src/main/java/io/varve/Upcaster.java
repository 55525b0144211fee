package io.varve;

import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.UnaryOperator;

import org.jspecify.annotations.Nullable;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Brings stored events of one type and schema version up to the next version, as they are
 * read. An upcaster works on the event's decoded payload as a Jackson tree (Smile is
 * self-describing, so no class is needed for the old form) and may change its metadata
 * and type name, split it into several events or drop it. Upcasters chain: the result of
 * one is upcast again while an upcaster is registered for its type and version, so a v1
 * event passes v1 to v2 and then v2 to v3. They run lazily, on every read path (reads,
 * scans, processors); {@link RecordedEvent#rawData()} stays the stored bytes.
 *
 * <p>
 * Register upcasters on the builder ({@link VarveBuilder#upcasters}); with Spring Boot
 * every {@code Upcaster} bean is registered. Mistakes are refused when the store opens:
 * two upcasters for one type and version, a chain with a gap, or stored events of a
 * version from which no chain leads to the class's version.
 *
 * <pre class="code">
 * // v1 stored "amount" in whole euros; v2 stores cents and the currency.
 * Upcaster centsAndCurrency = Upcaster.of("deposited", 1, (data) -&gt; {
 *     data.put("amountCents", data.get("amount").asLong() * 100);
 *     data.remove("amount");
 *     data.put("currency", "EUR");
 *     return data;
 * });
 * </pre>
 */
public interface Upcaster {

	/**
	 * The type name of the events this upcaster reads: the name they were stored under,
	 * or the current name of a class that lists that name among its
	 * {@link EventType#aliases() aliases}.
	 * @return the type name
	 */
	String type();

	/**
	 * The schema version of the events this upcaster reads.
	 * @return the version, at least 1
	 */
	int fromVersion();

	/**
	 * The type name of the events this upcaster returns (the same as {@link #type()}
	 * unless it renames); checked with {@link #toVersion()} when the store opens, so a
	 * chain with a gap is found before any event is read. An upcaster that splits an
	 * event into events of other types declares its main result here.
	 * @return the type name of the result
	 */
	default String toType() {
		return type();
	}

	/**
	 * The schema version of the events this upcaster returns: by default the next one.
	 * @return the version: higher than {@link #fromVersion()} when the type stays the
	 * same; any version of another type (a split into new types starts them at 1)
	 */
	default int toVersion() {
		return fromVersion() + 1;
	}

	/**
	 * Upcasts one event.
	 * @param event the event at {@link #type()} and {@link #fromVersion()}; its data is a
	 * copy this upcaster may change
	 * @return the events it becomes, in order: usually one ({@link Event#next}), several
	 * to split it, none to drop it (a dropped event still takes its position; readers and
	 * processors skip it)
	 */
	List<Event> upcast(Event event);

	/**
	 * An upcaster that changes the payload of each event of a type and version and raises
	 * its version by one.
	 * @param type the type name
	 * @param fromVersion the version it reads
	 * @param change changes the payload (an object node it may modify in place) and
	 * returns the new one
	 * @return the upcaster
	 */
	static Upcaster of(String type, int fromVersion, UnaryOperator<ObjectNode> change) {
		Objects.requireNonNull(change, "change");
		return new Simple(type, fromVersion, type, fromVersion + 1, (event) -> {
			JsonNode data = event.data();
			if (!(data instanceof ObjectNode object)) {
				throw new EventDecodingException("The payload of a '" + type + "' event of version " + fromVersion
						+ " is not an object; upcast it with an Upcaster that reads Event.data() as it is");
			}
			return List.of(event.next(change.apply(object)));
		});
	}

	/**
	 * An upcaster that renames a type: events stored as {@code oldType} at
	 * {@code fromVersion} become {@code newType} at the next version, payload unchanged.
	 * (To rename without a new version, list the old name in {@link EventType#aliases()}
	 * instead.)
	 * @param oldType the stored type name
	 * @param fromVersion the version it reads
	 * @param newType the new type name
	 * @return the upcaster
	 */
	static Upcaster renaming(String oldType, int fromVersion, String newType) {
		return new Simple(oldType, fromVersion, newType, fromVersion + 1,
				(event) -> List.of(event.next(event.data()).withType(newType)));
	}

	/**
	 * An event as an upcaster sees it: type name, schema version, payload as a tree and
	 * metadata. Immutable but for the payload tree, which belongs to the upcaster.
	 *
	 * @param type the type name
	 * @param version the schema version
	 * @param data the payload
	 * @param metadata the metadata (empty when the event has none)
	 */
	record Event(String type, int version, JsonNode data, Map<String, Object> metadata) {

		/**
		 * Checks the parts.
		 * @param type the type name
		 * @param version the schema version
		 * @param data the payload
		 * @param metadata the metadata
		 */
		public Event {
			Objects.requireNonNull(type, "type");
			Objects.requireNonNull(data, "data");
			if (metadata == null || metadata.isEmpty()) {
				metadata = Map.of();
			}
			else if (!(metadata instanceof ReadOnly)) {
				metadata = new ReadOnly(metadata);
			}
			if (version < 1) {
				throw new InvalidArgumentException("An event's schema version is at least 1, got " + version);
			}
		}

		/**
		 * An unmodifiable copy of metadata, made once however often an event is rebuilt.
		 */
		private static final class ReadOnly extends java.util.AbstractMap<String, Object> {

			private final Map<String, Object> entries;

			ReadOnly(Map<String, Object> source) {
				this.entries = Collections.unmodifiableMap(new LinkedHashMap<>(source));
			}

			@Override
			public java.util.Set<Map.Entry<String, Object>> entrySet() {
				return this.entries.entrySet();
			}

			@Override
			public Object get(Object key) {
				return this.entries.get(key);
			}

			@Override
			public boolean containsKey(Object key) {
				return this.entries.containsKey(key);
			}

		}

		/**
		 * The same event at the next version with a new payload.
		 * @param newData the payload
		 * @return the event
		 */
		public Event next(JsonNode newData) {
			return new Event(this.type, this.version + 1, newData, this.metadata);
		}

		/**
		 * The same event with another type name.
		 * @param newType the type name
		 * @return the event
		 */
		public Event withType(String newType) {
			return new Event(newType, this.version, this.data, this.metadata);
		}

		/**
		 * The same event at another version.
		 * @param newVersion the version
		 * @return the event
		 */
		public Event withVersion(int newVersion) {
			return new Event(this.type, newVersion, this.data, this.metadata);
		}

		/**
		 * The same event with another payload.
		 * @param newData the payload
		 * @return the event
		 */
		public Event withData(JsonNode newData) {
			return new Event(this.type, this.version, newData, this.metadata);
		}

		/**
		 * The same event with one metadata entry set (or removed, for a null value).
		 * @param key the entry's key
		 * @param value its value, or null to remove it
		 * @return the event
		 */
		public Event withMetadata(String key, @Nullable Object value) {
			Map<String, Object> changed = new HashMap<>(this.metadata);
			if (value == null) {
				changed.remove(key);
			}
			else {
				changed.put(key, value);
			}
			return new Event(this.type, this.version, this.data, changed);
		}

	}

	/**
	 * A named upcaster from a function.
	 *
	 * @param type the type read
	 * @param fromVersion the version read
	 * @param toType the type returned
	 * @param toVersion the version returned
	 * @param function the upcast
	 */
	record Simple(String type, int fromVersion, String toType, int toVersion,
			Function<Event, List<Event>> function) implements Upcaster {

		@Override
		public List<Event> upcast(Event event) {
			return this.function.apply(event);
		}

		@Override
		public String toString() {
			return "Upcaster[" + this.type + " v" + this.fromVersion + " -> " + this.toType + " v" + this.toVersion
					+ "]";
		}

	}

}

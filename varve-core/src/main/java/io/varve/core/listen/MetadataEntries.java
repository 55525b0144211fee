package io.varve.core.listen;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.varve.EventData;
import io.varve.StreamAppend;
import io.varve.core.codec.PayloadCodec;

/**
 * Adds the entries listeners give an append (a trace context) to the metadata of each of
 * its events. An event's own entry of the same name wins (unless it is null). Metadata
 * that is a map gets the entries in a copy; metadata of the user's own class is turned
 * into a tree first, so it reads back with {@code metadataAs} as before (unknown names
 * are ignored on read); metadata that is not an object (a bare string or list) cannot
 * carry them and is kept as it is. Runs only for appends a listener gives entries to.
 */
public final class MetadataEntries {

	private MetadataEntries() {
	}

	public static List<EventData> addTo(List<EventData> events, Map<String, String> entries, PayloadCodec codec) {
		if (entries.isEmpty() || events == null) {
			return events;
		}
		Map<String, String> alone = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
		List<EventData> added = new ArrayList<>(events.size());
		for (EventData event : events) {
			added.add((event != null) ? event.withMetadata(merge(event.metadata(), alone, codec)) : null);
		}
		return added;
	}

	public static List<StreamAppend> addToParts(List<StreamAppend> appends, Map<String, String> entries,
			PayloadCodec codec) {
		if (entries.isEmpty() || appends == null) {
			return appends;
		}
		List<StreamAppend> added = new ArrayList<>(appends.size());
		for (StreamAppend part : appends) {
			added.add((part != null)
					? new StreamAppend(part.stream(), part.expectedVersion(), addTo(part.events(), entries, codec))
					: null);
		}
		return added;
	}

	private static @Nullable Object merge(@Nullable Object metadata, Map<String, String> entries, PayloadCodec codec) {
		if (metadata == null) {
			return entries;
		}
		if (metadata instanceof Map<?, ?> map) {
			Map<Object, Object> copy = new LinkedHashMap<>(map);
			entries.forEach(copy::putIfAbsent);
			return copy;
		}
		JsonNode tree;
		try {
			tree = codec.mapper().valueToTree(metadata);
		}
		catch (RuntimeException ex) {
			// Encoding the event reports what is wrong with this metadata.
			return metadata;
		}
		if (tree instanceof ObjectNode object) {
			entries.forEach((name, value) -> {
				if (!object.hasNonNull(name)) {
					object.put(name, value);
				}
			});
			return object;
		}
		return metadata;
	}

}

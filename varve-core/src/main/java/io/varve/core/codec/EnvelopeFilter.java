package io.varve.core.codec;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

import org.agrona.DirectBuffer;

import io.varve.EventFilter;
import io.varve.RecordedEvent;

/**
 * An {@link EventFilter} compiled to byte comparisons on stored envelopes, so that a scan
 * decides on an event without creating strings or decoding the payload.
 */
public final class EnvelopeFilter {

	private static final EnvelopeFilter ALL = new EnvelopeFilter(new byte[0][], new byte[0][], new byte[0][], null);

	private final byte[][] categories;

	private final byte[][] streams;

	private final byte[][] types;

	/**
	 * The filter's type names, checked on the events read when reading may change types.
	 */
	private final @Nullable Set<String> readTypes;

	private EnvelopeFilter(byte[][] categories, byte[][] streams, byte[][] types, @Nullable Set<String> readTypes) {
		this.categories = categories;
		this.streams = streams;
		this.types = types;
		this.readTypes = readTypes;
	}

	/**
	 * Compiles a filter whose types match stored names exactly.
	 * @param filter the filter
	 * @return the compiled form
	 */
	public static EnvelopeFilter of(EventFilter filter) {
		return of(filter, Set::of, false);
	}

	/**
	 * Compiles a filter.
	 * @param filter the filter
	 * @param storedNamesOf the stored type names that may read as a type (itself, its
	 * former names, the names upcasters read)
	 * @param checkTypesAfter whether the events read must be checked by type too
	 * (upcasters may change an event's type)
	 * @return the compiled form
	 */
	public static EnvelopeFilter of(EventFilter filter, Function<String, Set<String>> storedNamesOf,
			boolean checkTypesAfter) {
		if (filter.isAll()) {
			return ALL;
		}
		Set<String> stored = new LinkedHashSet<>();
		for (String type : filter.eventTypes()) {
			stored.addAll(storedNamesOf.apply(type));
		}
		boolean checks = checkTypesAfter && !filter.eventTypes().isEmpty();
		return new EnvelopeFilter(utf8(filter.categories()), utf8(filter.streams()), utf8(stored),
				checks ? Set.copyOf(filter.eventTypes()) : null);
	}

	private static byte[][] utf8(Set<String> values) {
		return values.stream().map((value) -> value.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);
	}

	/**
	 * Removes the events read from one envelope whose type the filter does not take (none
	 * unless reading may change types).
	 * @param events the events read so far
	 * @param from where the envelope's events start
	 */
	public void keepMatching(List<RecordedEvent> events, int from) {
		Set<String> wanted = this.readTypes;
		if (wanted == null) {
			return;
		}
		for (int i = events.size() - 1; i >= from; i--) {
			if (!wanted.contains(events.get(i).type())) {
				events.remove(i);
			}
		}
	}

	/** Whether every event passes. */
	public boolean isAll() {
		return this == ALL;
	}

	/**
	 * Whether a stored envelope passes.
	 * @param envelope a valid envelope
	 * @return whether it passes
	 */
	public boolean matches(DirectBuffer envelope) {
		if (this == ALL) {
			return true;
		}
		if (this.types.length > 0
				&& !anyEquals(this.types, envelope, Envelope.typeOffset(envelope), Envelope.typeLength(envelope))) {
			return false;
		}
		if (this.categories.length == 0 && this.streams.length == 0) {
			return true;
		}
		int offset = Envelope.streamOffset(envelope);
		int length = Envelope.streamLength(envelope);
		return anyEquals(this.streams, envelope, offset, length) || anyCategory(envelope, offset, length);
	}

	/**
	 * Whether a stored envelope's stream passes, whatever its type: a deletion's record
	 * concerns the streams the filter takes.
	 * @param envelope a valid envelope
	 * @return whether its stream passes
	 */
	public boolean matchesStream(DirectBuffer envelope) {
		if (this == ALL || (this.categories.length == 0 && this.streams.length == 0)) {
			return true;
		}
		int offset = Envelope.streamOffset(envelope);
		int length = Envelope.streamLength(envelope);
		return anyEquals(this.streams, envelope, offset, length) || anyCategory(envelope, offset, length);
	}

	private boolean anyCategory(DirectBuffer envelope, int offset, int length) {
		int categoryLength = length;
		for (int i = 0; i < length; i++) {
			if (envelope.getByte(offset + i) == '-') {
				categoryLength = i;
				break;
			}
		}
		return anyEquals(this.categories, envelope, offset, categoryLength);
	}

	private static boolean anyEquals(byte[][] candidates, DirectBuffer buffer, int offset, int length) {
		for (byte[] candidate : candidates) {
			if (candidate.length == length && regionEquals(candidate, buffer, offset)) {
				return true;
			}
		}
		return false;
	}

	private static boolean regionEquals(byte[] expected, DirectBuffer buffer, int offset) {
		for (int i = 0; i < expected.length; i++) {
			if (buffer.getByte(offset + i) != expected[i]) {
				return false;
			}
		}
		return true;
	}

}

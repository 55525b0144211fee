package io.varve.core.codec;

import java.nio.charset.StandardCharsets;
import java.util.Set;

import org.agrona.DirectBuffer;

import io.varve.EventFilter;

/**
 * An {@link EventFilter} compiled to byte comparisons on stored envelopes, so that a scan
 * decides on an event without creating strings or decoding the payload.
 */
public final class EnvelopeFilter {

	private static final EnvelopeFilter ALL = new EnvelopeFilter(new byte[0][], new byte[0][], new byte[0][]);

	private final byte[][] categories;

	private final byte[][] streams;

	private final byte[][] types;

	private EnvelopeFilter(byte[][] categories, byte[][] streams, byte[][] types) {
		this.categories = categories;
		this.streams = streams;
		this.types = types;
	}

	/**
	 * Compiles a filter.
	 * @param filter the filter
	 * @return the compiled form
	 */
	public static EnvelopeFilter of(EventFilter filter) {
		if (filter.isAll()) {
			return ALL;
		}
		return new EnvelopeFilter(utf8(filter.categories()), utf8(filter.streams()), utf8(filter.eventTypes()));
	}

	private static byte[][] utf8(Set<String> values) {
		return values.stream().map((value) -> value.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);
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

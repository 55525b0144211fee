package io.varve.benchmarks.support;

import java.util.List;

import tools.jackson.dataformat.smile.SmileMapper;

import io.varve.VarveBuilder;

/**
 * Deterministic benchmark events and their Smile encoding, with the same mapper settings
 * Varve uses by default, so raw LMDB loops encode and decode exactly what Varve does.
 */
public final class Events {

	/** Smallest acceptable encoded size of a benchmark event. */
	public static final int MIN_BYTES = 100;

	/** Largest acceptable encoded size of a benchmark event. */
	public static final int MAX_BYTES = 300;

	private static final String[] PRODUCTS = { "Espresso machine, stainless steel", "Ceramic pour-over set",
			"Burr grinder with 40 settings", "Reusable paper filters (pack of 100)", "Insulated travel mug 450 ml" };

	private static final List<List<String>> TAGS = List.of(List.of("kitchen", "coffee"),
			List.of("gift", "sale", "coffee"), List.of("accessories"), List.of("kitchen", "new"));

	private static final SmileMapper MAPPER = VarveBuilder.defaultMapperBuilder().build();

	private Events() {
	}

	/**
	 * The i-th event of a cart.
	 * @param cart the cart number
	 * @param i the event number
	 * @return the event
	 */
	public static ItemAdded event(long cart, long i) {
		int n = (int) Math.floorMod(i * 31 + cart, 1000);
		return new ItemAdded("cart-" + cart, "SKU-" + (100_000 + n), PRODUCTS[n % PRODUCTS.length], 1 + n % 5,
				499 + n * 37L, "EUR", "customer-" + (cart % 10_000), 1_767_225_600_000L + i * 1000, TAGS.get(n % 4));
	}

	/** The Smile mapper shared by the raw loops (Varve's default settings). */
	public static SmileMapper mapper() {
		return MAPPER;
	}

	/**
	 * Encodes an event as Smile.
	 * @param event the event
	 * @return the bytes
	 */
	public static byte[] encode(ItemAdded event) {
		return MAPPER.writeValueAsBytes(event);
	}

	/**
	 * Decodes Smile bytes into an event.
	 * @param bytes the buffer
	 * @param offset where the Smile data starts
	 * @param length its length
	 * @return the event
	 */
	public static ItemAdded decode(byte[] bytes, int offset, int length) {
		return MAPPER.readValue(bytes, offset, length, ItemAdded.class);
	}

	/**
	 * The average Smile size of the first events, checked against the realistic range.
	 * @return the average size in bytes
	 * @throws IllegalStateException if the shape drifted out of range
	 */
	public static int checkedAverageSize() {
		long total = 0;
		int count = 1000;
		for (int i = 0; i < count; i++) {
			int size = encode(event(i % 64, i)).length;
			if (size < MIN_BYTES || size > MAX_BYTES) {
				throw new IllegalStateException("Benchmark event " + i + " encodes to " + size + " bytes, outside "
						+ MIN_BYTES + ".." + MAX_BYTES);
			}
			total += size;
		}
		return (int) (total / count);
	}

}

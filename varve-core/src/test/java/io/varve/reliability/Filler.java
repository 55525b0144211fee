package io.varve.reliability;

/**
 * A plain event of a chosen size, for tests that need volume rather than meaning.
 *
 * @param index a number to tell events apart
 * @param text filler text
 */
record Filler(long index, String text) {

	static Filler of(long index, int size) {
		return new Filler(index, "x".repeat(size));
	}

}

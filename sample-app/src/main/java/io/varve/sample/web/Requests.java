package io.varve.sample.web;

/**
 * Checks of request bodies; failures become 400 responses.
 */
final class Requests {

	private Requests() {
	}

	static void requireText(String field, String value) {
		if (value == null || value.isBlank()) {
			throw new IllegalArgumentException("'" + field + "' is required");
		}
	}

	static void requirePositive(String field, long value) {
		if (value <= 0) {
			throw new IllegalArgumentException("'" + field + "' must be a positive number of cents, got " + value);
		}
	}

}

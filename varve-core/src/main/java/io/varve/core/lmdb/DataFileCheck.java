package io.varve.core.lmdb;

import java.nio.file.Path;

/**
 * Checks a store's data file before LMDB maps it, so that a damaged file gives an
 * exception rather than a crash.
 */
final class DataFileCheck {

	private DataFileCheck() {
	}

	static void check(Path directory) {
		// Filled in with the reliability work: header and size checks.
	}

}

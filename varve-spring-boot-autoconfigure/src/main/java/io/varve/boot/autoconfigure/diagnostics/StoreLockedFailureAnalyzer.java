package io.varve.boot.autoconfigure.diagnostics;

import org.springframework.core.env.Environment;

import io.varve.StoreLockedException;

/**
 * Explains a store that another process, or another {@code Varve} in this JVM, has open.
 */
final class StoreLockedFailureAnalyzer extends VarveFailureAnalyzer<StoreLockedException> {

	StoreLockedFailureAnalyzer(Environment environment) {
		super(environment);
	}

	@Override
	String summary(StoreLockedException cause) {
		return "Varve could not open its store: the store is already open.";
	}

	@Override
	String action(StoreLockedException cause) {
		return String.format("Stop the process that has the store open, or give this application a store of its "
				+ "own with varve.path.%nTo read a store that another process writes, set varve.read-only=true.%n"
				+ "If the store is open in this JVM (two cached test contexts with the same varve.path, say), "
				+ "share that Varve bean, or give each context its own varve.path.");
	}

}

package io.varve.boot.autoconfigure.diagnostics;

import org.springframework.core.env.Environment;

import io.varve.StorePathException;

/**
 * Explains a {@code varve.path} that cannot hold a store: a regular file, a missing or
 * read-only parent, a directory this process cannot read.
 */
final class StorePathFailureAnalyzer extends VarveFailureAnalyzer<StorePathException> {

	StorePathFailureAnalyzer(Environment environment) {
		super(environment);
	}

	@Override
	String summary(StorePathException cause) {
		return "Varve could not open its store: the store path cannot hold a store.";
	}

	@Override
	String action(StorePathException cause) {
		String path = (cause.path() != null) ? " of " + cause.path().toAbsolutePath() : "";
		return "Set varve.path to a directory that this process can create or already owns (its parent "
				+ "directory must exist and be writable), or correct the permissions" + path + ".";
	}

}

package io.varve.boot.autoconfigure.diagnostics;

import org.springframework.core.env.Environment;

import io.varve.IncompatibleFormatException;

/**
 * Explains a directory holding something this Varve cannot read: another format version,
 * another program's LMDB database, a file from a machine of another byte order.
 */
final class IncompatibleFormatFailureAnalyzer extends VarveFailureAnalyzer<IncompatibleFormatException> {

	IncompatibleFormatFailureAnalyzer(Environment environment) {
		super(environment);
	}

	@Override
	String summary(IncompatibleFormatException cause) {
		return "Varve could not open its store: the directory holds data this version of Varve cannot read.";
	}

	@Override
	String action(IncompatibleFormatException cause) {
		return "Point varve.path at this application's store or at a new directory, or open the store with the "
				+ "Varve release that wrote it.";
	}

}

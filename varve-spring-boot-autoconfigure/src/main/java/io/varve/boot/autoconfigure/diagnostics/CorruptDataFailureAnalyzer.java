package io.varve.boot.autoconfigure.diagnostics;

import org.springframework.core.env.Environment;

import io.varve.CorruptDataException;

/**
 * Explains a damaged store file: restore from a backup; Varve never repairs one.
 */
final class CorruptDataFailureAnalyzer extends VarveFailureAnalyzer<CorruptDataException> {

	CorruptDataFailureAnalyzer(Environment environment) {
		super(environment);
	}

	@Override
	String summary(CorruptDataException cause) {
		return "Varve found its store damaged.";
	}

	@Override
	String action(CorruptDataException cause) {
		return String.format("Restore the store from a backup made with Varve.backup: stop the application, put "
				+ "the backup in place of the directory that varve.path names, and start again. Varve does not "
				+ "repair a damaged store; keep the damaged copy for inspection.%nTo start with an empty store "
				+ "instead, point varve.path at a new directory.");
	}

}

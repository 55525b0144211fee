package io.varve.boot.autoconfigure.diagnostics;

import org.springframework.core.env.Environment;

import io.varve.StoreFullException;

/**
 * Explains a store at its maximum size during start-up (an append by a runner or an
 * initializer, say).
 */
final class StoreFullFailureAnalyzer extends VarveFailureAnalyzer<StoreFullException> {

	StoreFullFailureAnalyzer(Environment environment) {
		super(environment);
	}

	@Override
	String summary(StoreFullException cause) {
		return "The Varve store reached its maximum size; the append that hit the limit wrote nothing.";
	}

	@Override
	String setting(StoreFullException cause) {
		return describe("varve.max-map-size", DEFAULTS.getMaxMapSize());
	}

	@Override
	String action(StoreFullException cause) {
		return "Raise varve.max-map-size and start again: the file grows only as it is used, so a generous limit "
				+ "costs address space, not disk. The varve health contributor's capacityUsage shows how close "
				+ "the store is to its limit (management.health.varve.max-capacity-usage).";
	}

}

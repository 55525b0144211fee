package io.varve;

import java.util.Map;

/**
 * Event classes shared by the tests.
 */
final class TestEvents {

	private TestEvents() {
	}

	@EventType("account-opened")
	record Opened(String owner) {
	}

	record Deposited(long amount) {
	}

	record Withdrawn(long amount) {
	}

	record Audit(String user, int attempt, Map<String, String> tags) {
	}

	/** Jackson cannot serialise an object that refers to itself. */
	static final class Cyclic {

		public Cyclic getSelf() {
			return this;
		}

	}

}

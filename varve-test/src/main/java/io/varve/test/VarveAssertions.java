package io.varve.test;

import io.varve.Varve;

/**
 * AssertJ entry point for a Varve store: its streams, its global log and its processors.
 * A failing assertion prints the events involved readably (position, stream version,
 * type, payload as JSON).
 *
 * <pre class="code">
 * VarveAssertions.assertThat(varve).stream("account-1")
 *     .hasVersion(2)
 *     .containsExactlyTypes("account-opened", "money-deposited");
 * VarveAssertions.assertThat(varve).processor("balances").isRunning().hasLag(0);
 * </pre>
 */
public final class VarveAssertions {

	private VarveAssertions() {
	}

	/**
	 * Assertions on a store.
	 * @param varve the store
	 * @return the assertions
	 */
	public static VarveAssert assertThat(Varve varve) {
		return new VarveAssert(varve);
	}

}

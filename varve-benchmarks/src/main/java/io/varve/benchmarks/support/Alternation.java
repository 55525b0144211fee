package io.varve.benchmarks.support;

/**
 * Runs the sides of a comparison over rounds in alternating order (as given in even
 * rounds, reversed in odd ones), so that no side always runs first on a cooler machine or
 * second on a warmer one, and pools each side's measurements over the rounds.
 */
public final class Alternation {

	private Alternation() {
	}

	/** One side of a comparison: one measured run of it. */
	@FunctionalInterface
	public interface Side {

		/**
		 * Runs the side once.
		 * @param round the round, from 0
		 * @return what it measured
		 * @throws Exception if the run failed
		 */
		Measurement run(int round) throws Exception;

	}

	/** Told after each round, with every side's measurements pooled so far. */
	@FunctionalInterface
	public interface AfterRound {

		/**
		 * @param round the round just run, from 0
		 * @param pooled each side's pooled measurement, in the order the sides were given
		 */
		void after(int round, Measurement[] pooled);

	}

	/**
	 * Runs the sides over the rounds.
	 * @param rounds the number of rounds
	 * @param afterRound told after each round (checks, progress)
	 * @param sides the sides
	 * @return each side's measurements pooled over the rounds, in the order given
	 * @throws Exception what a side threw
	 */
	public static Measurement[] run(int rounds, AfterRound afterRound, Side... sides) throws Exception {
		Measurement[] pooled = new Measurement[sides.length];
		for (int round = 0; round < rounds; round++) {
			for (int turn = 0; turn < sides.length; turn++) {
				int side = (round % 2 == 0) ? turn : sides.length - 1 - turn;
				pooled[side] = sides[side].run(round).plus(pooled[side]);
			}
			afterRound.after(round, pooled.clone());
		}
		return pooled;
	}

}

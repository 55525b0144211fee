package io.varve.processor;

import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * The progress of a processor's rebuild: a new generation of its projection tables filled
 * from the log in the background while the current one keeps serving (see
 * {@link ProcessorRegistry#rebuild(String, long)}).
 *
 * <pre>{@code
 * registry.rebuild("balances");
 * RebuildStatus rebuild = registry.rebuildStatus("balances").orElseThrow();
 * System.out.printf("%s: %.0f%% of the log, about %s left%n", rebuild.state(),
 *         rebuild.fraction() * 100, rebuild.estimatedRemaining());
 * }</pre>
 *
 * @param processor the processor's name
 * @param state where the rebuild is
 * @param fromPosition the first position the rebuild handles
 * @param position the last position the new generation has handled and committed
 * @param headPosition the store's head position
 * @param eventsHandled events handled by this rebuild in this process
 * @param eventsPerSecond positions per second over the rebuild's last seconds, 0 before
 * it has measured any
 * @param estimatedRemaining how long until it catches up at that rate, or null when it
 * cannot tell yet (or it has ended)
 * @param startedAt when the rebuild started (first started, for one resumed after a
 * restart)
 * @param endedAt when it completed, was cancelled or failed; null while it runs
 * @param error why it failed, or null
 */
public record RebuildStatus(String processor, State state, long fromPosition, long position, long headPosition,
		long eventsHandled, double eventsPerSecond, @Nullable Duration estimatedRemaining, Instant startedAt,
		@Nullable Instant endedAt, @Nullable String error) {

	/**
	 * The share of the positions from the rebuild's first to the head that it has
	 * handled, from 0 to 1.
	 * @return the share
	 */
	public double fraction() {
		long total = this.headPosition - this.fromPosition + 1;
		if (total <= 0 || this.state == State.COMPLETED) {
			return 1.0;
		}
		return Math.max(0.0, Math.min(1.0, (double) (this.position - this.fromPosition + 1) / total));
	}

	/** Where a rebuild is. */
	public enum State {

		/** Filling the new generation; queries still read the current one. */
		RUNNING,

		/**
		 * The new generation is live; the old generation's tables are being dropped in
		 * small transactions.
		 */
		DROPPING_OLD,

		/** Done: the new generation is live and the old one is gone. */
		COMPLETED,

		/** Cancelled: the new generation was dropped; the current one stays live. */
		CANCELLED,

		/**
		 * The handler failed on an event after its retries (or the rebuild could not
		 * commit): the new generation was dropped and the current one stays live.
		 */
		FAILED;

		/** Whether the rebuild has ended (completed, cancelled or failed). */
		public boolean isEnded() {
			return this == COMPLETED || this == CANCELLED || this == FAILED;
		}

	}

}

package io.varve;

/**
 * When an {@link AggregateRepository} writes a snapshot, and how many it keeps per
 * stream. A snapshot is written after a load or an update when either rule says so, on
 * the store's writer without holding up the caller.
 *
 * <pre class="code">
 * SnapshotPolicy.every(100).keepLast(2)
 * SnapshotPolicy.afterReplaying(500)
 * </pre>
 */
public final class SnapshotPolicy {

	private static final SnapshotPolicy NONE = new SnapshotPolicy(0, 0, 1);

	private final long every;

	private final long afterReplaying;

	private final int keepLast;

	private SnapshotPolicy(long every, long afterReplaying, int keepLast) {
		this.every = every;
		this.afterReplaying = afterReplaying;
		this.keepLast = keepLast;
	}

	/** No snapshots. */
	public static SnapshotPolicy none() {
		return NONE;
	}

	/**
	 * A snapshot once the stream has grown by this many events since its last one.
	 * @param events the number of events, at least 1
	 * @return the policy (keeping the last 2 snapshots)
	 */
	public static SnapshotPolicy every(long events) {
		return new SnapshotPolicy(positive(events, "every"), 0, 2);
	}

	/**
	 * A snapshot whenever a load had to replay more than this many events.
	 * @param events the number of events, at least 1
	 * @return the policy (keeping the last 2 snapshots)
	 */
	public static SnapshotPolicy afterReplaying(long events) {
		return new SnapshotPolicy(0, positive(events, "afterReplaying"), 2);
	}

	/**
	 * This policy, and also a snapshot whenever a load replayed more than this many
	 * events.
	 * @param events the number of events, at least 1
	 * @return the policy
	 */
	public SnapshotPolicy orAfterReplaying(long events) {
		return new SnapshotPolicy(this.every, positive(events, "orAfterReplaying"), this.keepLast);
	}

	/**
	 * This policy keeping the newest {@code count} snapshots of each stream.
	 * @param count how many to keep, at least 1
	 * @return the policy
	 */
	public SnapshotPolicy keepLast(int count) {
		return new SnapshotPolicy(this.every, this.afterReplaying, (int) positive(count, "keepLast"));
	}

	/** How many snapshots of each stream are kept. */
	public int keepLast() {
		return this.keepLast;
	}

	/** Whether this policy ever writes a snapshot. */
	public boolean isEnabled() {
		return this.every > 0 || this.afterReplaying > 0;
	}

	/**
	 * Whether a snapshot is due.
	 * @param version the stream version the state includes
	 * @param snapshotVersion the version of the stream's newest snapshot (0 for none)
	 * @param replayed events the load replayed
	 * @return whether to write one
	 */
	public boolean isDue(long version, long snapshotVersion, long replayed) {
		if (version <= snapshotVersion) {
			return false;
		}
		return (this.every > 0 && version - snapshotVersion >= this.every)
				|| (this.afterReplaying > 0 && replayed > this.afterReplaying);
	}

	private static long positive(long value, String what) {
		if (value < 1) {
			throw new InvalidArgumentException(what + " must be at least 1, got " + value);
		}
		return value;
	}

	@Override
	public String toString() {
		return "SnapshotPolicy[every=" + this.every + ", afterReplaying=" + this.afterReplaying + ", keepLast="
				+ this.keepLast + "]";
	}

}

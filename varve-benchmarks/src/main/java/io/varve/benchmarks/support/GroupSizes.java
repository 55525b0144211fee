package io.varve.benchmarks.support;

import java.util.concurrent.atomic.LongAdder;

import io.varve.VarveListener;

/**
 * Counts Varve's group commits and the events in them, as a {@link VarveListener}
 * registered on the store's builder, to learn the average group size.
 */
public final class GroupSizes implements VarveListener {

	private final LongAdder commits = new LongAdder();

	private final LongAdder events = new LongAdder();

	private final LongAdder nanos = new LongAdder();

	private final LongAdder applyNanos = new LongAdder();

	// Written by the writer thread only (listeners run there); read after the load.
	private volatile long firstCommitAt;

	private volatile long lastCommitAt;

	@Override
	public void committed(Commit commit) {
		long now = System.nanoTime();
		if (this.commits.sum() == 0) {
			this.firstCommitAt = now;
		}
		this.lastCommitAt = now;
		this.commits.increment();
		this.events.add(commit.events());
		this.nanos.add(commit.nanos());
		this.applyNanos.add(commit.applyNanos());
	}

	/** Starts over. */
	public void reset() {
		this.commits.reset();
		this.events.reset();
		this.nanos.reset();
		this.applyNanos.reset();
	}

	/** Commits counted. */
	public long commits() {
		return this.commits.sum();
	}

	/** Average events per commit, 0 when none. */
	public double average() {
		long commits = this.commits.sum();
		return (commits == 0) ? 0 : (double) this.events.sum() / commits;
	}

	/**
	 * Where a group commit's cycle goes, averaged over the commits counted.
	 * @return the cycle in microseconds
	 */
	public Cycle cycle() {
		long commits = this.commits.sum();
		if (commits < 2) {
			return new Cycle(0, 0, 0, 0);
		}
		double apply = this.applyNanos.sum() / 1e3 / commits;
		double commit = (this.nanos.sum() - this.applyNanos.sum()) / 1e3 / commits;
		// Commits are told in order, so n commits span n - 1 whole cycles.
		double cycle = (this.lastCommitAt - this.firstCommitAt) / 1e3 / (commits - 1);
		return new Cycle(cycle, apply, commit, Math.max(0, cycle - apply - commit));
	}

	/**
	 * One group commit's cycle on the writer thread, in microseconds.
	 *
	 * @param total from one commit to the next
	 * @param apply applying the group's requests in the transaction
	 * @param commit LMDB's commit with its syncs
	 * @param rest completing the callers' futures (waking them) and taking the next group
	 */
	public record Cycle(double total, double apply, double commit, double rest) {

		/** Adds another cycle's parts, for averaging over rounds. */
		public Cycle plus(Cycle other) {
			return new Cycle(this.total + other.total, this.apply + other.apply, this.commit + other.commit,
					this.rest + other.rest);
		}

		/** Divides every part, for averaging over rounds. */
		public Cycle over(double count) {
			return new Cycle(this.total / count, this.apply / count, this.commit / count, this.rest / count);
		}

	}

}

package io.varve.benchmarks.support;

import java.util.concurrent.atomic.LongAdder;

import io.varve.Varve;
import io.varve.core.DefaultVarve;
import io.varve.core.write.CommitListener;

/**
 * Counts Varve's group commits and the events in them, through the writer's
 * {@link CommitListener}, to learn the average group size.
 */
public final class GroupSizes implements CommitListener {

	private final LongAdder commits = new LongAdder();

	private final LongAdder events = new LongAdder();

	/**
	 * Starts counting the commits of a store.
	 * @param varve the store (the default implementation)
	 * @return the counter
	 */
	public static GroupSizes attach(Varve varve) {
		GroupSizes sizes = new GroupSizes();
		((DefaultVarve) varve).groupWriter().addListener(sizes);
		return sizes;
	}

	@Override
	public void committed(Commit commit) {
		this.commits.increment();
		this.events.add(commit.events());
	}

	/** Starts over. */
	public void reset() {
		this.commits.reset();
		this.events.reset();
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

}

package io.varve.core;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.varve.ExpectedVersion;
import io.varve.core.write.CommitListener;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Holds a store's writer thread: appends a first event to an empty store and keeps the
 * writer in the commit listener of that first commit until {@link #release()}, so that
 * whatever is queued meanwhile forms one group. Records every commit.
 */
final class WriterGate {

	private final CountDownLatch held = new CountDownLatch(1);

	private final CountDownLatch released = new CountDownLatch(1);

	private final ConcurrentLinkedQueue<CommitListener.Commit> commits = new ConcurrentLinkedQueue<>();

	private WriterGate() {
	}

	/**
	 * Appends {@code event} to stream "gate" of an empty store and returns once the
	 * writer is held after committing it.
	 * @param varve the store, empty
	 * @param event the first event
	 * @return the gate
	 * @throws InterruptedException if interrupted while waiting
	 */
	static WriterGate hold(DefaultVarve varve, Object event) throws InterruptedException {
		WriterGate gate = new WriterGate();
		varve.groupWriter().addListener((commit) -> {
			gate.commits.add(commit);
			if (commit.headPosition() == 1 && gate.held.getCount() > 0) {
				gate.held.countDown();
				try {
					gate.released.await(10, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
		});
		varve.appendAsync("gate", ExpectedVersion.noStream(), event);
		assertThat(gate.held.await(10, TimeUnit.SECONDS)).as("the writer is held").isTrue();
		return gate;
	}

	/** Lets the writer go on. */
	void release() {
		this.released.countDown();
	}

	/** Every commit so far, the gate's first. */
	ConcurrentLinkedQueue<CommitListener.Commit> commits() {
		return this.commits;
	}

}

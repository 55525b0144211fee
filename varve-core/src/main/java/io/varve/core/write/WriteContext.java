package io.varve.core.write;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import io.varve.core.storage.WriteTxn;

/**
 * What a request sees while the writer applies it: the group's transaction, the head
 * position so far, and the group's commit time.
 */
public final class WriteContext {

	private final WriteTxn txn;

	private final long timestampMicros;

	private long head;

	private @Nullable List<Runnable> afterCommit;

	private @Nullable List<Runnable> beforeCommit;

	WriteContext(WriteTxn txn, long head, long timestampMicros) {
		this.txn = txn;
		this.head = head;
		this.timestampMicros = timestampMicros;
	}

	/** The group's write transaction. */
	public WriteTxn txn() {
		return this.txn;
	}

	/** The head position including events appended earlier in this group. */
	public long head() {
		return this.head;
	}

	/**
	 * Takes the next log position.
	 * @return the position
	 */
	public long nextPosition() {
		return ++this.head;
	}

	/**
	 * Runs an action once this group's transaction has committed (never if it is aborted,
	 * or applied again after a retry: then the new attempt's context asks again).
	 * @param action the action, run on the committing thread
	 */
	public void afterCommit(Runnable action) {
		if (this.afterCommit == null) {
			this.afterCommit = new ArrayList<>(2);
		}
		this.afterCommit.add(action);
	}

	/**
	 * Runs an action once every request of this group is applied, just before the
	 * transaction commits: for what must be durable before the group's writes are (the
	 * data keys of new encrypted streams). If it throws, the whole group fails and
	 * nothing of it is committed. Actions asked for more than once run once.
	 * @param action the action, run on the committing thread
	 */
	public void beforeCommit(Runnable action) {
		if (this.beforeCommit == null) {
			this.beforeCommit = new ArrayList<>(2);
		}
		if (!this.beforeCommit.contains(action)) {
			this.beforeCommit.add(action);
		}
	}

	void committing() {
		if (this.beforeCommit != null) {
			this.beforeCommit.forEach(Runnable::run);
		}
	}

	void committed() {
		if (this.afterCommit != null) {
			this.afterCommit.forEach(Runnable::run);
		}
	}

	/** The commit time of the group, in microseconds since the epoch. */
	public long timestampMicros() {
		return this.timestampMicros;
	}

}

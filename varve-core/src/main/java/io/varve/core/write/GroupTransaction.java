package io.varve.core.write;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Instant;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.jspecify.annotations.Nullable;

import io.varve.StorageException;
import io.varve.StoreFullException;
import io.varve.VarveException;
import io.varve.core.storage.MapFullSignal;
import io.varve.core.storage.StorageEngine;
import io.varve.core.storage.WriteTxn;

/**
 * Commits one group of requests in one write transaction: applies each request, and
 * commits them together. A request that fails its own checks fails alone; one that wrote
 * before failing is taken out and the group applied again without it. When the map is
 * full the transaction is aborted, the map grown and the same group applied again, so
 * nobody sees the map fill up; at the maximum size each request is tried on its own, so
 * those that still fit are written. In the writer's batch a group's writes go straight
 * into the batch's transaction, so a group that fails part way (taken out, or the map
 * full) costs the batch: the writer abandons it and the engine brings its acknowledged
 * groups back from the journal, before the group is applied again or fails. Keeps the
 * head position and the commit timestamps (never backwards), and tells the
 * {@link CommitListener}s. Runs under the writer's commit lock, on whichever thread holds
 * it.
 */
final class GroupTransaction {

	private static final System.Logger LOG = System.getLogger(GroupTransaction.class.getName());

	/** Marks "the map is at its maximum size" in {@link #grow()}. */
	private static final RuntimeException STORE_FULL = new RuntimeException("store full", null, false, false) {
		private static final long serialVersionUID = 1L;

	};

	private final StorageEngine engine;

	private final Clock clock;

	private final String name;

	private final Finisher finisher;

	private final List<CommitListener> listeners = new CopyOnWriteArrayList<>();

	/** Told on the committing thread whenever readers see more groups. */
	private final List<Runnable> publishListeners = new CopyOnWriteArrayList<>();

	/**
	 * Those in this process waiting for the next publish (processors at the head of the
	 * log): while there are any, batches are published after
	 * {@link GroupCommitWriter#FOLLOWED_PUBLISH_NANOS}.
	 */
	private final AtomicInteger followers = new AtomicInteger();

	private volatile long headPosition;

	private long lastMicros;

	/** Whether groups commit into a batch that {@link #publish()} commits. */
	private final boolean batched;

	/** Groups committed (batched: into the batch) since the writer started. */
	private volatile long acked;

	/** What {@link #acked} was at the last publish: readers see that many groups. */
	private volatile long published;

	/** Whether a batch is open (committing thread only). */
	private boolean batchOpen;

	/** Whether a group's transaction is open in the batch (committing thread only). */
	private boolean groupOpen;

	/**
	 * Whether a group failed part way in the open batch on a caller's thread, leaving its
	 * writes there: the writer thread, which alone may end the batch, abandons it before
	 * anything else (committing thread only, under the commit lock).
	 */
	private boolean batchSpoiled;

	private long batchStartedNanos;

	private long batchBytes;

	private int batchGroups;

	/** Why the last publish failed, or null. */
	private volatile @Nullable RuntimeException publishFailure;

	private final ReentrantLock publishLock = new ReentrantLock();

	private final Condition publishedCondition = this.publishLock.newCondition();

	/**
	 * @param engine the storage engine
	 * @param clock the clock stamping commits
	 * @param name the store's name, for messages
	 * @param headPosition the head position at start
	 * @param lastMicros the timestamp of the last event
	 * @param finisher hands each group's results to its callers
	 */
	GroupTransaction(StorageEngine engine, Clock clock, String name, long headPosition, long lastMicros,
			Finisher finisher) {
		this.engine = engine;
		this.clock = clock;
		this.name = name;
		this.headPosition = headPosition;
		this.lastMicros = lastMicros;
		this.finisher = finisher;
		this.batched = engine.batchesCommits();
	}

	boolean batched() {
		return this.batched;
	}

	/** Groups committed so far. */
	long acked() {
		return this.acked;
	}

	/** Groups readers see. */
	long published() {
		return this.published;
	}

	/** Whether a batch is open (committing thread only). */
	boolean unpublished() {
		return this.batchOpen;
	}

	/** The longest a batch stays unpublished without a reader asking for it. */
	private volatile long publishNanos = GroupCommitWriter.PUBLISH_NANOS;

	void publishInterval(long nanos) {
		this.publishNanos = nanos;
	}

	/**
	 * A follower starts waiting for the next publish.
	 * @return whether it is the only one waiting
	 */
	boolean addFollower() {
		return this.followers.getAndIncrement() == 0;
	}

	/** A follower stopped waiting. */
	void removeFollower() {
		this.followers.decrementAndGet();
	}

	/** When the open batch is due to be published, by {@link System#nanoTime()}. */
	long publishDeadline() {
		long interval = (this.followers.get() > 0)
				? Math.min(this.publishNanos, GroupCommitWriter.FOLLOWED_PUBLISH_NANOS) : this.publishNanos;
		return this.batchStartedNanos + interval;
	}

	/** Whether the open batch is due: old, large or long enough. */
	boolean publishDue() {
		return this.batchOpen && (this.batchGroups >= GroupCommitWriter.PUBLISH_GROUPS
				|| this.batchBytes >= GroupCommitWriter.PUBLISH_BYTES || System.nanoTime() - publishDeadline() >= 0);
	}

	/**
	 * Commits the open batch, so that readers see every group acknowledged so far; on the
	 * committing thread, between groups (a batch a caller's failed group spoiled is
	 * dropped instead, see {@link #endBatch}). A failure is kept for readers (the groups
	 * are safe in the journal, and the store must be opened again to read them).
	 */
	void publish() {
		if (!this.batchOpen || this.groupOpen) {
			return;
		}
		endBatch(this.batchSpoiled);
	}

	/**
	 * Ends the open batch: commits it, or drops it when it holds the writes of a group
	 * that failed part way (the engine then brings the groups acknowledged in it back
	 * from the journal); either way readers then see every acknowledged group. On the
	 * writer thread, between groups.
	 */
	private void endBatch(boolean abandon) {
		long target = this.acked;
		this.batchOpen = false;
		this.batchSpoiled = false;
		try {
			if (abandon) {
				this.engine.abandonBatch();
			}
			else {
				this.engine.publish();
			}
			this.publishFailure = null;
		}
		catch (RuntimeException ex) {
			LOG.log(Level.ERROR, "Varve store " + this.name + " could not commit acknowledged writes to its tables",
					ex);
			this.publishFailure = ex;
		}
		markPublished(target);
	}

	/**
	 * After the writer thread met an unexpected error: drops the open batch, whatever its
	 * last group left in it (the engine brings the groups acknowledged in it back from
	 * the journal), so that readers see every acknowledged group and no transaction is
	 * left to the dead thread. On the writer thread.
	 */
	void endAfterFailure() {
		this.groupOpen = false;
		if (this.batchOpen) {
			endBatch(true);
		}
	}

	private void markPublished(long target) {
		if (this.published >= target) {
			return;
		}
		this.publishLock.lock();
		try {
			this.published = target;
			this.publishedCondition.signalAll();
		}
		finally {
			this.publishLock.unlock();
		}
		for (Runnable listener : this.publishListeners) {
			try {
				listener.run();
			}
			catch (RuntimeException ex) {
				LOG.log(Level.WARNING, "A publish listener of Varve store " + this.name + " failed", ex);
			}
		}
	}

	void addPublishListener(Runnable listener) {
		this.publishListeners.add(listener);
	}

	void removePublishListener(Runnable listener) {
		this.publishListeners.remove(listener);
	}

	/** Whether acknowledged groups wait to be published. */
	boolean hasUnpublished() {
		return this.acked > this.published;
	}

	/**
	 * Waits until readers see a number of groups.
	 * @param target the groups
	 */
	void awaitPublished(long target) {
		this.publishLock.lock();
		try {
			while (this.published < target) {
				this.publishedCondition.awaitUninterruptibly();
			}
		}
		finally {
			this.publishLock.unlock();
		}
		RuntimeException failure = this.publishFailure;
		if (failure != null) {
			throw failure;
		}
	}

	void addListener(CommitListener listener) {
		this.listeners.add(listener);
	}

	void removeListener(CommitListener listener) {
		this.listeners.remove(listener);
	}

	long headPosition() {
		return this.headPosition;
	}

	/**
	 * Commits a group, then hands its results over; never throws.
	 * @param group the requests, in the order they were queued
	 */
	void commit(List<WriteRequest<?>> group) {
		commit(group, true);
	}

	/**
	 * Opens a batch if groups batch and none is open; on the writer thread, which alone
	 * publishes it.
	 */
	void openBatch() {
		if (this.batchSpoiled) {
			endBatch(true);
		}
		if (!this.batched || this.batchOpen) {
			return;
		}
		try {
			if (!this.engine.openBatch()) {
				return;
			}
		}
		catch (RuntimeException ex) {
			// The next group fails with the reason (it tries again); the writer thread
			// goes on.
			LOG.log(Level.DEBUG, () -> "Varve store " + this.name + " could not open a batch: " + ex);
			return;
		}
		this.batchOpen = true;
		this.batchStartedNanos = System.nanoTime();
		this.batchBytes = 0;
		this.batchGroups = 0;
	}

	/**
	 * Commits one waiting caller's request on its own thread: into the writer's open
	 * batch, or else in a transaction of its own (published at once).
	 * @param request the request
	 * @return false, with nothing done, if the writer thread must commit it instead (the
	 * map is full while a batch is open: only the writer may publish it and grow)
	 */
	boolean commitOnCaller(WriteRequest<?> request) {
		return commit(List.of(request), false);
	}

	/** Groups committed into the open batch. */
	int batchGroups() {
		return this.batchGroups;
	}

	private boolean commit(List<WriteRequest<?>> group, boolean onWriter) {
		if (this.batchSpoiled && !onWriter) {
			return false;
		}
		Map<WriteRequest<?>, RuntimeException> rejected = new IdentityHashMap<>();
		while (true) {
			long started = System.nanoTime();
			WriteTxn txn;
			boolean inBatch;
			try {
				if (onWriter) {
					openBatch();
				}
				inBatch = this.batchOpen;
				txn = this.engine.beginGroup();
			}
			catch (RuntimeException ex) {
				this.finisher.finish(group, storageFailure(ex));
				return true;
			}
			WriteContext context = new WriteContext(txn, this.headPosition, nextMicros());
			long applied;
			this.groupOpen = true;
			try {
				applyAll(group, rejected, context);
				applied = System.nanoTime();
				context.committing();
				txn.commit();
				this.groupOpen = false;
			}
			catch (RetryWithout retry) {
				if (!closeGroup(txn, inBatch, onWriter)) {
					return false;
				}
				rejected.put(retry.request, retry.request.failure);
				continue;
			}
			catch (MapFullSignal full) {
				if (!closeGroup(txn, inBatch, onWriter)) {
					return false;
				}
				// The map grows with no transaction open: the groups so far commit first.
				publish();
				RuntimeException growFailure = grow();
				if (growFailure == null) {
					continue;
				}
				if (growFailure != STORE_FULL) {
					this.finisher.finish(group, growFailure);
				}
				else if (group.size() > 1) {
					// Full for good: commit each request on its own, so that those that
					// still fit are written and only those that do not fail.
					for (WriteRequest<?> request : group) {
						commit(List.of(request));
					}
				}
				else {
					this.finisher.finish(group, new StoreFullException("The store reached its maximum size of "
							+ this.engine.stats().maxMapSize() + " bytes; the append was not written. Raise the limit "
							+ "(VarveBuilder.maxMapSize, property varve.max-map-size) or move old data out"));
				}
				return true;
			}
			catch (RuntimeException | Error ex) {
				if (!closeGroup(txn, inBatch, onWriter)) {
					return false;
				}
				this.finisher.finish(group, storageFailure(ex));
				return true;
			}
			this.headPosition = context.head();
			this.acked++;
			// The tables hold whatever a failed publish left to the journal again.
			this.publishFailure = null;
			if (inBatch) {
				this.batchGroups++;
				for (WriteRequest<?> request : group) {
					this.batchBytes += request.byteSize();
				}
			}
			else {
				// Committed on its own: readers see everything acknowledged.
				markPublished(this.acked);
			}
			context.committed();
			notifyListeners(group, context, System.nanoTime() - started, applied - started);
			this.finisher.finish(group, null);
			return true;
		}
	}

	/**
	 * Closes a group that failed. In the batch its writes stay there: the writer thread
	 * abandons the batch at once; a caller's thread cannot end it, so it leaves that to
	 * the writer, which applies the group again (applying resets its results).
	 * @return false if the writer must apply the group instead
	 */
	private boolean closeGroup(WriteTxn txn, boolean inBatch, boolean onWriter) {
		this.groupOpen = false;
		txn.close();
		if (!inBatch) {
			return true;
		}
		if (!onWriter) {
			this.batchSpoiled = true;
			return false;
		}
		endBatch(true);
		return true;
	}

	private void applyAll(List<WriteRequest<?>> group, Map<WriteRequest<?>, RuntimeException> rejected,
			WriteContext context) {
		for (WriteRequest<?> request : group) {
			request.result = null;
			request.failure = rejected.get(request);
			if (request.failure != null) {
				continue;
			}
			long headBefore = context.head();
			try {
				apply(request, context);
			}
			catch (VarveException ex) {
				request.failure = ex;
				if (context.head() != headBefore) {
					// It wrote before failing: redo the group without it.
					throw new RetryWithout(request);
				}
			}
		}
	}

	private static <R> void apply(WriteRequest<R> request, WriteContext context) {
		request.result = request.apply(context);
	}

	/**
	 * Grows the map: null when it grew, {@link #STORE_FULL} at the maximum, else why not.
	 */
	private RuntimeException grow() {
		try {
			return this.engine.grow() ? null : STORE_FULL;
		}
		catch (RuntimeException ex) {
			LOG.log(Level.ERROR, "Could not grow the map of Varve store " + this.name, ex);
			return storageFailure(ex);
		}
	}

	private long nextMicros() {
		Instant now = this.clock.instant();
		long micros = Math.addExact(Math.multiplyExact(now.getEpochSecond(), 1_000_000L), now.getNano() / 1000);
		this.lastMicros = Math.max(this.lastMicros, micros);
		return this.lastMicros;
	}

	private void notifyListeners(List<WriteRequest<?>> group, WriteContext context, long nanos, long applyNanos) {
		if (this.listeners.isEmpty()) {
			return;
		}
		int succeeded = 0;
		int events = 0;
		for (WriteRequest<?> request : group) {
			if (request.failure == null) {
				succeeded++;
				events += request.eventCount();
			}
		}
		CommitListener.Commit commit = new CommitListener.Commit(context.head(), events, succeeded,
				group.size() - succeeded, nanos, applyNanos);
		for (CommitListener listener : this.listeners) {
			try {
				listener.committed(commit);
			}
			catch (RuntimeException ex) {
				LOG.log(Level.WARNING, "A commit listener of Varve store " + this.name + " failed", ex);
			}
		}
	}

	private static RuntimeException storageFailure(Throwable ex) {
		if (ex instanceof VarveException varve) {
			return varve;
		}
		return new StorageException("The write failed and nothing in its group was written: " + ex, ex);
	}

	private static final class RetryWithout extends RuntimeException {

		private static final long serialVersionUID = 1L;

		private final transient WriteRequest<?> request;

		RetryWithout(WriteRequest<?> request) {
			super(null, null, false, false);
			this.request = request;
		}

	}

	/** Hands a group's results to its callers. */
	@FunctionalInterface
	interface Finisher {

		/**
		 * @param group the group
		 * @param groupFailure why the whole group failed, or null when each request has
		 * its own result or failure
		 */
		void finish(List<WriteRequest<?>> group, RuntimeException groupFailure);

	}

}

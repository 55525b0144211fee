package io.varve.core.write;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import org.jspecify.annotations.Nullable;

import io.varve.StorageException;
import io.varve.VarveClosedException;
import io.varve.VarveException;
import io.varve.core.storage.StorageEngine;
import io.varve.core.util.Threads;

/**
 * The single writer: the queue, the writer thread and the hand-over of results. Callers
 * encode their events on their own threads and queue requests; this thread drains
 * whatever is queued, up to a group's limits, and has {@link GroupTransaction} commit
 * them in one transaction with one sync (group commit); then it wakes the callers
 * (waiting ones at once, asynchronous ones on a completion thread, so their callbacks
 * never run on the writer).
 *
 * <p>
 * A caller waiting for its append, who finds nothing queued or in progress, commits its
 * request on its own thread instead (under the same lock the writer thread commits
 * under), which spares it two hand-overs between threads: with one writer they cost about
 * a tenth of a durable append. Only then: as soon as anything is outstanding, requests
 * queue and group as before, and a caller's requests still commit in the order it made
 * them.
 */
public final class GroupCommitWriter implements AutoCloseable {

	private static final System.Logger LOG = System.getLogger(GroupCommitWriter.class.getName());

	/** Most events in one group; larger requests still commit alone. */
	static final int MAX_GROUP_EVENTS = 16_384;

	/** Most bytes in one group. */
	static final long MAX_GROUP_BYTES = 64L * 1024 * 1024;

	private static final int QUEUE_CAPACITY = 65_536;

	/**
	 * The longest a batch of acknowledged groups stays unpublished, unless a reader of
	 * this process asks for it sooner: how far another process's view may lag.
	 */
	static final long PUBLISH_NANOS = 50_000_000L;

	/**
	 * The longest a batch stays unpublished while a processor of this process waits at
	 * the head of the log for what it holds: the processor's added latency, against one
	 * LMDB commit per group when processors had every read publish.
	 */
	static final long FOLLOWED_PUBLISH_NANOS = 5_000_000L;

	/** Most groups in one batch. */
	static final int PUBLISH_GROUPS = 1024;

	/** Most bytes of requests in one batch. */
	static final long PUBLISH_BYTES = 16L * 1024 * 1024;

	private final String name;

	private final GroupTransaction transaction;

	private final RequestQueue<WriteRequest<?>> queue = new RequestQueue<>(QUEUE_CAPACITY);

	private final ReentrantReadWriteLock stateLock = new ReentrantReadWriteLock();

	/** Held by whichever thread runs a commit: the writer thread, or a caller. */
	private final ReentrantLock commitLock = new ReentrantLock();

	/**
	 * Whether the writer thread waits for the commit lock: callers then queue instead of
	 * committing on their own threads, so that it gets the lock as soon as the commit in
	 * progress ends (to publish, or to commit what is queued).
	 */
	private volatile boolean writerWaiting;

	/** Requests submitted and not yet finished, queued or being committed. */
	private final AtomicInteger outstanding = new AtomicInteger();

	private final ExecutorService completions;

	/** How many of a group's waiting callers the writer wakes itself. */
	private static final int WOKEN_BY_WRITER = 2;

	/**
	 * The last group's waiting requests, until the next commit has checked that each was
	 * woken (under the commit lock).
	 */
	private final List<WriteRequest<?>> waking = new ArrayList<>();

	/** Whether the last group's callers wake each other (so some may still wait). */
	private volatile boolean wakingTree;

	/**
	 * How long an idle writer lets a group's callers wake each other before it checks
	 * that none still waits (one whose caller never waited for it, say).
	 */
	private static final long STRAGGLER_WAIT_NANOS = 250_000_000L;

	private final Thread thread;

	private final WriteRequest<Void> stop = new Signal();

	/**
	 * Queued by a caller that committed on its own thread with no batch open: the writer
	 * opens one, into which the next such commits go.
	 */
	private final WriteRequest<Void> batchToken = new Signal();

	/** When a read last had to ask for the batch, by {@link System#nanoTime()}. */
	private volatile long lastAskedNanos = System.nanoTime() - READS_ASKED_NANOS - 1;

	/**
	 * For how long after a read had to ask for a batch a lone caller commits on its own
	 * instead of having the writer open a batch for its next commit.
	 */
	private static final long READS_ASKED_NANOS = 50_000_000L;

	/** Queued by a reader that needs the open batch published. */
	private final WriteRequest<Void> publishToken = new Signal();

	/**
	 * Queued when the first follower starts waiting while groups wait to be published:
	 * the idle writer looks at its (now sooner) publish deadline again.
	 */
	private final WriteRequest<Void> followToken = new Signal();

	private boolean accepting = true;

	/** Whether {@link #close()} ran. */
	private boolean closed;

	/** Why the writer thread stopped before the store closed, or null while it runs. */
	private volatile @Nullable StorageException stoppedBy;

	/**
	 * Starts the writer thread.
	 * @param engine the storage engine
	 * @param clock the clock stamping commits
	 * @param name the store's name, for thread names
	 * @param headPosition the head position at start
	 * @param lastMicros the timestamp of the last event, so that time never runs
	 * backwards in the log
	 */
	public GroupCommitWriter(StorageEngine engine, Clock clock, String name, long headPosition, long lastMicros) {
		this.name = name;
		this.transaction = new GroupTransaction(engine, clock, name, headPosition, lastMicros, this::finish);
		this.completions = Executors.newSingleThreadExecutor((runnable) -> {
			Thread completer = new Thread(runnable, "varve-completion[" + name + "]");
			completer.setDaemon(true);
			return completer;
		});
		this.thread = new Thread(this::run, "varve-writer[" + name + "]");
		this.thread.setDaemon(true);
		this.thread.start();
	}

	/**
	 * Queues a request.
	 * @param <R> the result type
	 * @param request the request
	 * @return its future, completed after its group commits
	 * @throws VarveClosedException if the writer is closed
	 */
	public <R> CompletableFuture<R> submit(WriteRequest<R> request) {
		return submit(request, false);
	}

	/**
	 * Queues a request, or commits it on the calling thread when the caller will wait for
	 * it anyway and nothing else is queued or being committed.
	 * @param <R> the result type
	 * @param request the request (an asynchronous one is always queued)
	 * @param callerMayCommit whether the calling thread may commit it: the request is
	 * fully encoded, so nothing in its apply waits for the calling thread
	 * @return its future, completed after its group commits (already completed when the
	 * caller committed it)
	 * @throws VarveClosedException if the writer is closed
	 */
	public <R> CompletableFuture<R> submit(WriteRequest<R> request, boolean callerMayCommit) {
		ReentrantReadWriteLock.ReadLock lock = this.stateLock.readLock();
		lock.lock();
		try {
			StorageException stopped = this.stoppedBy;
			if (stopped != null) {
				// Set first thing when the writer thread stops: nothing is queued or
				// committed on a caller's thread after that.
				throw new StorageException(stopped.getMessage(), stopped.getCause());
			}
			if (!this.accepting) {
				throw new VarveClosedException("The Varve store " + this.name + " is closed; no more appends");
			}
			if (callerMayCommit && !request.isAsync() && this.outstanding.compareAndSet(0, 1)) {
				if (commitOnCallerThread(request)) {
					return request.future();
				}
			}
			else {
				this.outstanding.incrementAndGet();
			}
			try {
				this.queue.put(request);
			}
			catch (InterruptedException ex) {
				this.outstanding.decrementAndGet();
				throw ex;
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new VarveException("Interrupted while queueing an append; it was not written", ex);
		}
		finally {
			lock.unlock();
		}
		return request.future();
	}

	/**
	 * Commits a request on the calling thread, which has claimed the only outstanding
	 * slot. Not on a virtual thread (an LMDB write transaction must end on the operating
	 * system thread that began it, and a virtual thread may move between them) nor an
	 * interrupted one, and not if the writer thread still holds the commit lock (it is
	 * finishing the previous group): then the request is queued as usual.
	 * @return whether it was committed here
	 */
	private boolean commitOnCallerThread(WriteRequest<?> request) {
		if (Thread.currentThread().isInterrupted() || Threads.currentIsVirtual() || this.writerWaiting
				|| !this.commitLock.tryLock()) {
			return false;
		}
		boolean openBatch;
		try {
			if (!this.transaction.commitOnCaller(request)) {
				return false;
			}
			// Committed on its own: the writer opens a batch for the next ones.
			// (Not while reads keep asking for batches: a caller that reads what it wrote
			// is served best by committing on its own, as a processor is.)
			openBatch = this.transaction.batched() && !this.transaction.unpublished()
					&& System.nanoTime() - this.lastAskedNanos > READS_ASKED_NANOS;
		}
		finally {
			this.commitLock.unlock();
		}
		if (openBatch) {
			this.queue.offer(this.batchToken);
		}
		return true;
	}

	/**
	 * Adds a listener told after each commit.
	 * @param listener the listener
	 */
	public void addListener(CommitListener listener) {
		this.transaction.addListener(listener);
	}

	/**
	 * Removes a listener.
	 * @param listener the listener
	 */
	public void removeListener(CommitListener listener) {
		this.transaction.removeListener(listener);
	}

	/**
	 * Adds a listener told whenever readers see more acknowledged groups (after each
	 * commit when groups do not batch, after each batch when they do), on the committing
	 * thread: keep it quick.
	 * @param listener the listener
	 */
	public void addPublishListener(Runnable listener) {
		this.transaction.addPublishListener(listener);
	}

	/**
	 * Removes a publish listener.
	 * @param listener the listener
	 */
	public void removePublishListener(Runnable listener) {
		this.transaction.removePublishListener(listener);
	}

	/**
	 * A follower (a processor that has read everything published) starts waiting for the
	 * next publish: until {@link #followerDone()}, batches are published within
	 * {@link #FOLLOWED_PUBLISH_NANOS} instead of {@link #PUBLISH_NANOS}. Followers read
	 * what is published and are woken by the publish listeners, so their reads do not end
	 * the writer's batches.
	 */
	public void followerWaiting() {
		if (this.transaction.addFollower() && this.transaction.hasUnpublished()) {
			this.queue.offer(this.followToken);
		}
	}

	/** A follower stopped waiting. */
	public void followerDone() {
		this.transaction.removeFollower();
	}

	/**
	 * Whether the writer has nothing to do: no group in progress and nothing queued. A
	 * request queued now is taken at once, in a group of its own unless others arrive
	 * before the writer takes it.
	 * @return true when idle
	 */
	public boolean idle() {
		return this.outstanding.get() == 0;
	}

	/**
	 * Why appends fail until the store is opened again: the writer thread stopped on an
	 * unexpected error.
	 * @return the reason, or null while the writer runs
	 */
	public @Nullable String failure() {
		StorageException stopped = this.stoppedBy;
		return (stopped != null) ? stopped.getMessage() : null;
	}

	/** The head position after the last commit. */
	public long headPosition() {
		return this.transaction.headPosition();
	}

	/**
	 * Sets how long a batch may stay unpublished when no reader of this process asks for
	 * it (tests hold it open to see what another process sees meanwhile).
	 * @param interval the interval
	 */
	public void publishInterval(java.time.Duration interval) {
		this.transaction.publishInterval(interval.toNanos());
	}

	/**
	 * The read barrier of a store whose groups batch: returns once a read snapshot taken
	 * now holds every append acknowledged before the call, having the writer publish its
	 * open batch if it holds any of them. On the writer thread itself (a commit listener
	 * reading), the batch is published there and then.
	 */
	public void awaitVisible() {
		long target = this.transaction.acked();
		if (this.transaction.published() >= target) {
			return;
		}
		if (Thread.currentThread() == this.thread) {
			this.transaction.publish();
			return;
		}
		if (this.commitLock.isHeldByCurrentThread()) {
			// A commit listener on a caller committing its own append: the writer cannot
			// publish while this thread holds the lock, so the read sees what is
			// published.
			return;
		}
		this.lastAskedNanos = System.nanoTime();
		putUninterruptibly(this.publishToken);
		this.transaction.awaitPublished(target);
	}

	/**
	 * Queues one of the writer's signals, waiting for room even if interrupted (the
	 * interrupt is kept for the caller).
	 */
	private void putUninterruptibly(WriteRequest<?> signal) {
		boolean interrupted = false;
		while (true) {
			try {
				this.queue.put(signal);
				break;
			}
			catch (InterruptedException ex) {
				interrupted = true;
			}
		}
		if (interrupted) {
			Thread.currentThread().interrupt();
		}
	}

	private void run() {
		List<WriteRequest<?>> group = new ArrayList<>();
		try {
			runGroups(group);
		}
		catch (Throwable ex) {
			// Whatever escaped (an Error, a bug) must not leave callers, readers and a
			// close waiting for this thread forever.
			stopAfter(ex, group);
		}
	}

	private void runGroups(List<WriteRequest<?>> group) {
		boolean running = true;
		while (running) {
			WriteRequest<?> first;
			try {
				first = this.queue.poll();
				if (first == null && this.transaction.unpublished()) {
					// A batch is open: publish it when due, unless more comes first.
					long wait = this.transaction.publishDeadline() - System.nanoTime();
					first = (wait > 0) ? this.queue.take(wait) : null;
					if (first == null) {
						publishUnderLock(true);
						continue;
					}
				}
				if (first == null && this.wakingTree) {
					// Idle after a group whose callers wake each other: a while for them
					// to do so, then the writer makes sure none was left waiting.
					first = this.queue.take(STRAGGLER_WAIT_NANOS);
					if (first == null) {
						wakeStragglersUnderLock();
					}
				}
				if (first == null) {
					first = this.queue.take();
				}
			}
			catch (InterruptedException ex) {
				continue;
			}
			if (first == this.stop) {
				break;
			}
			if (first == this.publishToken) {
				publishUnderLock(false);
				continue;
			}
			if (first == this.followToken) {
				// The loop waits again, until the sooner deadline.
				continue;
			}
			if (first == this.batchToken) {
				lockForWriter();
				try {
					this.transaction.openBatch();
				}
				finally {
					this.commitLock.unlock();
				}
				continue;
			}
			group.add(first);
			int events = first.eventCount();
			long bytes = first.byteSize();
			boolean publishAfter = false;
			WriteRequest<?> next;
			while (events < MAX_GROUP_EVENTS && bytes < MAX_GROUP_BYTES && (next = this.queue.poll()) != null) {
				if (next == this.stop) {
					running = false;
					break;
				}
				if (next == this.publishToken) {
					publishAfter = true;
					continue;
				}
				if (next == this.batchToken || next == this.followToken) {
					continue;
				}
				group.add(next);
				events += next.eventCount();
				bytes += next.byteSize();
			}
			lockForWriter();
			try {
				this.transaction.commit(group);
				if (publishAfter || this.transaction.publishDue()) {
					this.transaction.publish();
				}
			}
			finally {
				this.commitLock.unlock();
			}
			group.clear();
		}
		publishUnderLock(false);
		wakeStragglersUnderLock();
	}

	/**
	 * Publishes the open batch.
	 * @param reopen whether to open the next batch at once if this one held groups
	 * (callers committing on their own threads go on into it)
	 */
	private void publishUnderLock(boolean reopen) {
		lockForWriter();
		try {
			boolean used = this.transaction.unpublished() && this.transaction.batchGroups() > 0;
			this.transaction.publish();
			if (reopen && used && this.accepting) {
				this.transaction.openBatch();
			}
		}
		finally {
			this.commitLock.unlock();
		}
	}

	/**
	 * The writer thread met an unexpected error: it fails the group it was committing and
	 * every queued request, drops the open batch on this thread (the engine brings its
	 * acknowledged groups back from the journal, so readers see every acknowledged
	 * append), stops accepting appends (each fails with the cause) and ends. Closing the
	 * store then works as usual; opening it again brings writing back.
	 */
	private void stopAfter(Throwable cause, List<WriteRequest<?>> group) {
		StorageException failure = new StorageException("The writer thread of the Varve store " + this.name
				+ " stopped on an unexpected error (" + cause + "); appends fail from now on, and one in progress "
				+ "may or may not have been written. Close the store and open it again: every acknowledged append "
				+ "is in its journal, and an append retried with the same event ids is written once", cause);
		LOG.log(Level.ERROR, failure.getMessage(), cause);
		this.stoppedBy = failure;
		this.commitLock.lock();
		try {
			this.transaction.endAfterFailure();
		}
		catch (Throwable ex) {
			failure.addSuppressed(ex);
			LOG.log(Level.ERROR, "Varve store " + this.name + " could not drop its open batch after the writer "
					+ "thread's error; close the store and open it again", ex);
		}
		finally {
			this.commitLock.unlock();
		}
		try {
			// The last finished group's callers get their outcomes.
			wakeStragglersUnderLock();
		}
		catch (Throwable ex) {
			failure.addSuppressed(ex);
		}
		for (WriteRequest<?> request : group) {
			fail(request, failure);
		}
		group.clear();
		// A caller waiting for room in a full queue holds the state lock's read side:
		// take requests out until the write side is free.
		ReentrantReadWriteLock.WriteLock lock = this.stateLock.writeLock();
		while (!lock.tryLock()) {
			failQueued(failure);
			Thread.onSpinWait();
		}
		try {
			this.accepting = false;
		}
		finally {
			lock.unlock();
		}
		failQueued(failure);
	}

	private void failQueued(StorageException failure) {
		WriteRequest<?> request;
		while ((request = this.queue.poll()) != null) {
			if (!(request instanceof Signal)) {
				this.outstanding.decrementAndGet();
				fail(request, failure);
			}
		}
	}

	/**
	 * Fails a request the writer has not finished; one it has finished gets its outcome
	 * (completing a completed future does nothing).
	 */
	private static void fail(WriteRequest<?> request, StorageException failure) {
		if (!request.finished) {
			request.result = null;
			request.failure = failure;
		}
		request.complete();
	}

	/** The writer thread takes the commit lock, ahead of callers. */
	private void lockForWriter() {
		if (this.commitLock.tryLock()) {
			return;
		}
		this.writerWaiting = true;
		try {
			this.commitLock.lock();
		}
		finally {
			this.writerWaiting = false;
		}
	}

	private void wakeStragglersUnderLock() {
		lockForWriter();
		try {
			wakeStragglers();
		}
		finally {
			this.commitLock.unlock();
		}
	}

	/** Hands a committed (or failed) group's results to its callers. */
	private void finish(List<WriteRequest<?>> group, RuntimeException groupFailure) {
		// Done with the group but for waking its callers: a caller woken below finds the
		// writer idle.
		this.outstanding.addAndGet(-group.size());
		wakeStragglers();
		List<WriteRequest<?>> async = null;
		List<WriteRequest<?>> waiting = this.waking;
		for (WriteRequest<?> request : group) {
			request.finished = true;
			if (groupFailure != null) {
				request.result = null;
				request.failure = groupFailure;
			}
			if (request.isAsync()) {
				if (async == null) {
					async = new ArrayList<>();
				}
				async.add(request);
			}
			else {
				waiting.add(request);
			}
		}
		wake(waiting);
		if (async != null) {
			List<WriteRequest<?>> toComplete = async;
			// Callers' callbacks run on the completion thread, never on the writer.
			this.completions.execute(() -> toComplete.forEach(WriteRequest::complete));
		}
	}

	/**
	 * Wakes a group's waiting callers: the first {@value #WOKEN_BY_WRITER} here, each of
	 * the others by an earlier one (caller {@code i} wakes {@code 2i + 2} and
	 * {@code 2i + 3}), so that the wake-ups, each a system call, run on the callers'
	 * threads in parallel instead of one after another on the writer's.
	 */
	private void wake(List<WriteRequest<?>> waiting) {
		int count = waiting.size();
		if (count > WOKEN_BY_WRITER) {
			this.wakingTree = true;
			for (int i = 0; i < count; i++) {
				int child = 2 * i + WOKEN_BY_WRITER;
				waiting.get(i)
					.wakeAfter((child < count) ? waiting.get(child) : null,
							(child + 1 < count) ? waiting.get(child + 1) : null);
			}
		}
		for (int i = 0; i < Math.min(count, WOKEN_BY_WRITER); i++) {
			waiting.get(i).wake();
		}
	}

	/**
	 * Completes whatever of the last group may still wait (completing a completed future
	 * does nothing): after the next commit, or once the writer has been idle for
	 * {@link #STRAGGLER_WAIT_NANOS}.
	 */
	private void wakeStragglers() {
		for (WriteRequest<?> request : this.waking) {
			request.wake();
		}
		this.waking.clear();
		this.wakingTree = false;
	}

	/**
	 * Stops accepting requests, commits those already queued, and stops the thread.
	 */
	@Override
	public void close() {
		ReentrantReadWriteLock.WriteLock lock = this.stateLock.writeLock();
		lock.lock();
		try {
			if (this.closed) {
				return;
			}
			this.closed = true;
			if (this.accepting) {
				this.accepting = false;
				putUninterruptibly(this.stop);
			}
		}
		finally {
			lock.unlock();
		}
		// The engine closes after this returns, so wait for the writer even if
		// interrupted.
		Threads.joinUninterruptibly(this.thread);
		this.completions.shutdown();
		try {
			this.completions.awaitTermination(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * A request that only signals the writer thread (stop, open a batch, publish it): it
	 * is recognised by identity and never applied.
	 */
	private static final class Signal extends WriteRequest<Void> {

		Signal() {
			super(false);
		}

		@Override
		protected Void apply(WriteContext context) {
			return null;
		}

		@Override
		protected int eventCount() {
			return 0;
		}

		@Override
		protected long byteSize() {
			return 0;
		}

	}

}

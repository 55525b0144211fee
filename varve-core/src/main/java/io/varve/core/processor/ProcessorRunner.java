package io.varve.core.processor;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

import io.varve.InvalidArgumentException;
import io.varve.RecordedEvent;
import io.varve.VarveClosedException;
import io.varve.VarveException;
import io.varve.core.EventReader;
import io.varve.core.codec.EnvelopeFilter;
import io.varve.processor.ParkedEvent;
import io.varve.processor.ProcessorDefinition;
import io.varve.processor.ProcessorError;
import io.varve.processor.ProcessorFailedException;
import io.varve.processor.ProcessorState;
import io.varve.processor.ProcessorStateException;
import io.varve.processor.ProcessorStatus;
import io.varve.processor.ProcessorTimeoutException;
import io.varve.processor.StartPosition;

/**
 * One processor: its thread, its state and the operations on it.
 *
 * <p>
 * The thread reads a batch after the checkpoint in a short snapshot, hands the events to
 * the handler with no snapshot open, and commits; then it reads the next batch, or, when
 * there is none, parks until a commit listener or an operation unparks it. Each batch
 * runs under the batch lock, a fair lock that operations changing the checkpoint (reset,
 * retry of a parked event) and pause also take, so they happen between batches.
 */
final class ProcessorRunner {

	private static final System.Logger LOG = System.getLogger(ProcessorRunner.class.getName());

	/** Most envelopes looked at per snapshot when few match the filter. */
	private static final int SCAN_LIMIT = 8192;

	/** How long stopping waits for the batch in hand before interrupting the handler. */
	static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

	private final ProcessorDefinition definition;

	private final ProcessorServices services;

	private final EnvelopeFilter filter;

	private final CheckpointTracker checkpoints;

	private final ReentrantLock batchLock = new ReentrantLock(true);

	private final AtomicInteger controlWaiters = new AtomicInteger();

	private final AtomicLong eventsHandled = new AtomicLong();

	private final AtomicLong errors = new AtomicLong();

	private final AtomicLong parkedCount = new AtomicLong();

	/** Last position handled, committed or queued. Guarded by the batch lock. */
	private long handled;

	private volatile Lifecycle lifecycle = Lifecycle.STOPPED;

	private volatile Thread thread;

	private volatile boolean live;

	private volatile boolean paused;

	private volatile boolean stopRequested;

	private volatile boolean signalled;

	private volatile boolean idle;

	private volatile boolean closed;

	private volatile long lastProgressMicros;

	private volatile ProcessorError lastError;

	ProcessorRunner(ProcessorDefinition definition, ProcessorServices services) {
		this.definition = definition;
		this.services = services;
		this.filter = EnvelopeFilter.of(definition.filter());
		this.checkpoints = new CheckpointTracker(definition.name(), services);
		long[] stored = services.read((txn) -> new long[] { ProcessorTables.checkpoint(txn, definition.name()),
				ProcessorTables.parkedCount(txn, definition.name()) });
		this.handled = Math.max(0, stored[0]);
		this.checkpoints.restartAt(this.handled);
		this.parkedCount.set(stored[1]);
		this.lastProgressMicros = services.nowMicros();
	}

	ProcessorDefinition definition() {
		return this.definition;
	}

	ProcessorServices services() {
		return this.services;
	}

	String name() {
		return this.definition.name();
	}

	// Lifecycle

	synchronized void start() {
		checkNotClosed();
		if (this.lifecycle == Lifecycle.RUNNING) {
			return;
		}
		if (this.lifecycle == Lifecycle.FAILED) {
			throw new ProcessorStateException("Processor '" + name() + "' is FAILED (" + describe(this.lastError)
					+ "); fix the cause and call restart(\"" + name() + "\")");
		}
		this.services.requireWritable();
		controlLock();
		try {
			long stored = this.services.read((txn) -> ProcessorTables.checkpoint(txn, name()));
			if (stored < 0) {
				stored = (this.definition.startPosition() == StartPosition.END) ? this.services.head() : 0;
				// Stored at once, so that a processor starting at the end stays where it
				// first started.
				this.checkpoints.commitNow(new ProcessorCommit(false, name(), stored), -1);
			}
			this.handled = stored;
			this.checkpoints.restartAt(stored);
			this.live = false;
			this.stopRequested = false;
			this.signalled = true;
			this.lastProgressMicros = this.services.nowMicros();
			this.lifecycle = Lifecycle.RUNNING;
			Thread worker = new Thread(this::run, "varve-processor[" + name() + "]");
			worker.setDaemon(true);
			this.thread = worker;
			worker.start();
		}
		finally {
			this.batchLock.unlock();
		}
	}

	synchronized void restart() {
		if (this.lifecycle == Lifecycle.FAILED) {
			this.lifecycle = Lifecycle.STOPPED;
		}
		start();
	}

	/** Asks the thread to stop after its batch. */
	void requestStop() {
		Thread worker = this.thread;
		if (worker != null) {
			this.stopRequested = true;
			LockSupport.unpark(worker);
		}
	}

	/** Waits for the thread to stop; interrupts a handler that takes too long. */
	void awaitStopped() {
		Thread worker = this.thread;
		if (worker == null || worker == Thread.currentThread()) {
			return;
		}
		boolean interrupted = false;
		long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
		boolean nudged = false;
		while (worker.isAlive()) {
			long remaining = deadline - System.nanoTime();
			if (remaining <= 0) {
				if (nudged) {
					LOG.log(Level.WARNING, "Processor '" + name() + "' did not stop within "
							+ STOP_TIMEOUT.multipliedBy(2) + "; its handler is stuck. Leaving its thread behind");
					break;
				}
				LOG.log(Level.WARNING, "Processor '" + name() + "' is still in its handler after " + STOP_TIMEOUT
						+ "; interrupting it");
				worker.interrupt();
				nudged = true;
				deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
				continue;
			}
			try {
				worker.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining)));
			}
			catch (InterruptedException ex) {
				interrupted = true;
			}
		}
		if (interrupted) {
			Thread.currentThread().interrupt();
		}
	}

	void stop() {
		requestStop();
		awaitStopped();
	}

	void close() {
		this.closed = true;
		stop();
		this.checkpoints.wake();
	}

	// The thread

	private void run() {
		ProcessorError failure = null;
		try {
			while (!this.stopRequested) {
				this.signalled = false;
				boolean wait;
				this.batchLock.lock();
				try {
					if (this.stopRequested) {
						break;
					}
					RuntimeException commitFailure = this.checkpoints.takeFailure();
					if (commitFailure != null) {
						failure = recordError(commitFailure, null, 0);
						break;
					}
					if (this.paused) {
						this.checkpoints.submitPending();
						wait = true;
					}
					else {
						EventReader.Batch batch = this.services.reader()
							.readBatch(this.handled + 1, this.definition.batchSize(),
									Math.max(SCAN_LIMIT, this.definition.batchSize()), this.filter);
						if (batch.lastScanned() <= this.handled) {
							caughtUp();
							wait = true;
						}
						else {
							failure = new BatchRun(this).run(batch);
							if (failure != null) {
								break;
							}
							this.live |= batch.atEnd();
							wait = false;
						}
					}
				}
				finally {
					this.batchLock.unlock();
				}
				if (wait) {
					parkUntilSignalled();
				}
			}
		}
		catch (VarveClosedException ex) {
			LOG.log(Level.DEBUG, () -> "Processor '" + name() + "' stops: the store closed");
		}
		catch (Throwable ex) {
			failure = recordError(ex, null, 0);
			LOG.log(Level.ERROR, "Processor '" + name() + "' is FAILED: " + ex, ex);
		}
		finally {
			exit(failure);
		}
	}

	private void caughtUp() {
		this.live = true;
		this.lastProgressMicros = this.services.nowMicros();
		this.checkpoints.submitPending();
	}

	private void parkUntilSignalled() {
		this.idle = true;
		while (!this.signalled && !this.stopRequested) {
			LockSupport.park(this);
		}
		this.idle = false;
	}

	private void exit(ProcessorError failure) {
		try {
			this.batchLock.lock();
			try {
				this.checkpoints.flush();
			}
			finally {
				this.batchLock.unlock();
			}
		}
		catch (RuntimeException ex) {
			LOG.log(Level.WARNING, "Processor '" + name() + "' could not store its last checkpoint while stopping; "
					+ "the events since the stored one will be handled again", ex);
		}
		finally {
			synchronized (this) {
				this.lifecycle = (failure != null) ? Lifecycle.FAILED : Lifecycle.STOPPED;
				this.live = false;
				this.thread = null;
			}
			this.checkpoints.wake();
		}
	}

	/** Commits a batch's outcome; called by {@link BatchRun} with the batch lock held. */
	void commitBatch(ProjectionBuffer buffer, List<ParkedEvent> parked, long checkpoint, int handledCount) {
		if (buffer.isEmpty() && parked.isEmpty()) {
			// Counted first: a waiter woken by the commit sees the count.
			this.eventsHandled.addAndGet(handledCount);
			if (checkpoint > this.handled) {
				this.checkpoints.commitLater(checkpoint);
			}
		}
		else {
			ProcessorCommit commit = new ProcessorCommit(false, name(), checkpoint).projections(buffer);
			parked.forEach(
					(entry) -> commit.park(ProcessorKeys.parked(name(), entry.position()), ParkedRecord.encode(entry)));
			this.checkpoints.commitNow(commit, checkpoint, (parkedDelta) -> {
				this.parkedCount.addAndGet(parkedDelta);
				this.eventsHandled.addAndGet(handledCount);
			});
		}
		if (checkpoint > this.handled) {
			this.handled = checkpoint;
			this.lastProgressMicros = this.services.nowMicros();
		}
	}

	ProcessorError recordError(Throwable ex, RecordedEvent event, int attempt) {
		this.errors.incrementAndGet();
		String message = (ex.getMessage() != null) ? ex.getMessage() : ex.toString();
		ProcessorError error = new ProcessorError(message, ex.getClass().getName(),
				(event != null) ? event.position() : 0, (event != null) ? event.id() : null, attempt,
				this.services.now());
		this.lastError = error;
		return error;
	}

	ProcessorError lastError() {
		return this.lastError;
	}

	/** Whether a retry wait should end early: stop, pause or an operation is waiting. */
	boolean shouldYield() {
		return this.stopRequested || this.paused || this.controlWaiters.get() > 0;
	}

	/** Tells the thread to look for new events. */
	void signal() {
		this.signalled = true;
		Thread worker = this.thread;
		if (worker != null && this.idle) {
			LockSupport.unpark(worker);
		}
	}

	/**
	 * Takes the batch lock ahead of the thread's next batch, cutting retry waits short.
	 */
	private void controlLock() {
		this.controlWaiters.incrementAndGet();
		try {
			Thread worker = this.thread;
			if (worker != null) {
				LockSupport.unpark(worker);
			}
			this.batchLock.lock();
		}
		finally {
			this.controlWaiters.decrementAndGet();
		}
	}

	// Operations

	void pause() {
		checkNotClosed();
		this.paused = true;
		if (this.thread != Thread.currentThread()) {
			controlLock();
			this.batchLock.unlock();
		}
	}

	void resume() {
		checkNotClosed();
		this.paused = false;
		this.signalled = true;
		Thread worker = this.thread;
		if (worker != null) {
			LockSupport.unpark(worker);
		}
	}

	void reset(long fromPosition) {
		checkNotClosed();
		checkNotOwnThread("reset");
		this.services.requireWritable();
		long head = this.services.head();
		if (fromPosition < 0 || fromPosition > head + 1) {
			throw new InvalidArgumentException("Reset position of processor '" + name() + "' must be between 0 (the "
					+ "beginning) and " + (head + 1) + " (the head plus one), got " + fromPosition);
		}
		long checkpoint = Math.max(0, fromPosition - 1);
		controlLock();
		try {
			ProjectionBuffer buffer = new ProjectionBuffer();
			if (this.definition.resetCallback() != null) {
				runResetCallback(buffer, checkpoint + 1);
			}
			ProcessorCommit commit = new ProcessorCommit(false, name(), checkpoint).projections(buffer)
				.unparkFrom(name(), checkpoint + 1);
			this.parkedCount.addAndGet(this.checkpoints.commitNow(commit, -1));
			this.checkpoints.restartAt(checkpoint);
			this.handled = checkpoint;
			this.live = false;
			this.lastProgressMicros = this.services.nowMicros();
		}
		finally {
			this.batchLock.unlock();
		}
		signal();
		LOG.log(Level.INFO, "Processor '" + name() + "' was reset to replay from position " + (checkpoint + 1));
	}

	private void runResetCallback(ProjectionBuffer buffer, long first) {
		ProcessorServices s = this.services;
		try {
			this.definition.resetCallback().reset(new BufferedProjectionStore(buffer, s.committed(), s.codec()), first);
			buffer.acceptEvent();
		}
		catch (Exception ex) {
			throw new io.varve.processor.ResetFailedException("The reset callback of processor '" + name()
					+ "' failed, so the reset was cancelled and nothing changed: " + ex, ex);
		}
	}

	boolean retryParked(long position) {
		checkNotClosed();
		checkNotOwnThread("retry a parked event of");
		this.services.requireWritable();
		controlLock();
		try {
			ParkedEvent parked = this.services.read((txn) -> ProcessorTables.parkedAt(txn, name(), position));
			if (parked == null) {
				throw notParked(position);
			}
			RecordedEvent event = this.services.read((txn) -> (txn.event(position) != null)
					? this.services.reader().recorded(txn.event(position)) : null);
			if (event == null) {
				throw new InvalidArgumentException("The event at position " + position + " parked by processor '"
						+ name() + "' is not in the log; discard it with discardParked");
			}
			ProjectionBuffer buffer = new ProjectionBuffer();
			HandlerContext context = new HandlerContext(name(),
					new BufferedProjectionStore(buffer, this.services.committed(), this.services.codec()));
			int attempt = parked.attempts() + 1;
			context.attempt(attempt);
			byte[] key = ProcessorKeys.parked(name(), position);
			try {
				this.definition.handler().handle(event, context);
				buffer.acceptEvent();
			}
			catch (Throwable ex) {
				ProcessorError error = recordError(ex, event, attempt);
				ParkedEvent again = new ParkedEvent(name(), position, event.id(), event.stream(), event.type(),
						error.message(), error.errorType(), attempt, error.at());
				this.checkpoints.commitNow(new ProcessorCommit(false, name(), -1).park(key, ParkedRecord.encode(again)),
						-1);
				return false;
			}
			ProcessorCommit commit = new ProcessorCommit(false, name(), -1).projections(buffer).unpark(key);
			this.parkedCount.addAndGet(this.checkpoints.commitNow(commit, -1));
			this.eventsHandled.incrementAndGet();
			return true;
		}
		finally {
			this.batchLock.unlock();
		}
	}

	void discardParked(long position) {
		checkNotClosed();
		this.services.requireWritable();
		ProcessorCommit commit = new ProcessorCommit(false, name(), -1).unpark(ProcessorKeys.parked(name(), position));
		long delta = this.checkpoints.commitNow(commit, -1);
		if (delta == 0) {
			throw notParked(position);
		}
		this.parkedCount.addAndGet(delta);
	}

	List<ParkedEvent> parked(long afterPosition, int limit) {
		checkNotClosed();
		if (afterPosition < 0) {
			throw new InvalidArgumentException("afterPosition must be 0 or more, got " + afterPosition);
		}
		CommittedProjections.checkLimit(limit);
		return this.services.read((txn) -> ProcessorTables.parked(txn, name(), afterPosition, limit));
	}

	void awaitProcessed(long position, Duration timeout) {
		checkNotClosed();
		if (position < 0) {
			throw new InvalidArgumentException("Position to await must be 0 or more, got " + position);
		}
		if (timeout == null || timeout.isNegative()) {
			throw new InvalidArgumentException("Timeout must be zero or positive, got " + timeout);
		}
		boolean reached;
		try {
			reached = this.checkpoints.await(position, CheckpointTracker.nanos(timeout),
					() -> this.lifecycle == Lifecycle.FAILED || this.closed);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new VarveException(
					"Interrupted while waiting for processor '" + name() + "' to reach position " + position, ex);
		}
		if (reached) {
			return;
		}
		if (this.lifecycle == Lifecycle.FAILED) {
			ProcessorError error = this.lastError;
			throw new ProcessorFailedException("Processor '" + name() + "' is FAILED (" + describe(error)
					+ ") and will not reach position " + position + "; fix the cause and restart it", error);
		}
		checkNotClosed();
		ProcessorStatus status = status();
		throw new ProcessorTimeoutException("Processor '" + name() + "' did not reach position " + position + " within "
				+ timeout + ": it is " + status.state() + " at checkpoint " + status.checkpoint() + " with the head at "
				+ status.headPosition()
				+ ((status.state() == ProcessorState.STOPPED) ? "; start it with start(\"" + name() + "\")" : ""));
	}

	ProcessorStatus status() {
		long checkpoint = this.checkpoints.committed();
		long head = this.services.head();
		long lag = Math.max(0, head - checkpoint);
		long now = this.services.nowMicros();
		long oldest = (lag > 0) ? this.services.read((txn) -> ProcessorTables.timestampMicros(txn, checkpoint + 1))
				: -1;
		Duration age = (oldest >= 0) ? Duration.of(Math.max(0, now - oldest), java.time.temporal.ChronoUnit.MICROS)
				: Duration.ZERO;
		return new ProcessorStatus(name(), state(lag, now, oldest), checkpoint, head, lag, age,
				this.eventsHandled.get(), this.errors.get(), this.lastError, this.parkedCount.get());
	}

	private ProcessorState state(long lag, long nowMicros, long oldestMicros) {
		Lifecycle current = this.lifecycle;
		if (current == Lifecycle.FAILED) {
			return ProcessorState.FAILED;
		}
		if (current == Lifecycle.STOPPED) {
			return ProcessorState.STOPPED;
		}
		if (this.paused) {
			return ProcessorState.PAUSED;
		}
		if (lag > 0) {
			// Behind since the later of its last progress and the oldest waiting event.
			long since = Math.max(this.lastProgressMicros, oldestMicros);
			long stall = this.definition.stallTimeout().toNanos() / 1000;
			if (nowMicros - since >= stall) {
				return ProcessorState.STALLED;
			}
		}
		return (this.live || lag == 0) ? ProcessorState.RUNNING : ProcessorState.CATCHING_UP;
	}

	/** The worker thread, for tests that check how it waits. */
	Thread thread() {
		return this.thread;
	}

	/** Whether the worker is parked waiting for commits, for tests. */
	boolean isIdle() {
		return this.idle;
	}

	private void checkNotClosed() {
		if (this.closed) {
			throw new VarveClosedException("The store of processor '" + name() + "' is closed");
		}
	}

	private void checkNotOwnThread(String action) {
		if (Thread.currentThread() == this.thread) {
			throw new ProcessorStateException("Cannot " + action + " processor '" + name()
					+ "' from its own handler; call it from another thread");
		}
	}

	private InvalidArgumentException notParked(long position) {
		return new InvalidArgumentException("No event at position " + position + " is parked for processor '" + name()
				+ "'; list them with parked(\"" + name() + "\")");
	}

	private static String describe(ProcessorError error) {
		if (error == null) {
			return "no error recorded";
		}
		return ((error.position() > 0) ? "at position " + error.position() + ", event " + error.eventId() + ": " : "")
				+ error.message();
	}

	private enum Lifecycle {

		STOPPED, RUNNING, FAILED

	}

}

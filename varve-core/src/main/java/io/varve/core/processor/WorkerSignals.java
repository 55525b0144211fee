package io.varve.core.processor;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * How a processor's thread and the operations on it coordinate, without polling.
 *
 * <p>
 * The thread holds the batch lock while it reads, handles and commits a batch, and lets
 * go between batches. Operations that must not overlap a batch (pause, reset, retrying a
 * parked event) take the same lock; it is fair, so they get it at the next batch
 * boundary, and while one waits the thread cuts retry waits short. When caught up the
 * thread parks with no deadline until {@link #signal()}: commit listeners and operations
 * wake it.
 *
 * <p>
 * What the thread should do once awake (go on, wait paused, end) is the processor's
 * {@link ProcessorPhase}, which the waits here are given to check; this class holds only
 * the hand-over itself.
 */
final class WorkerSignals {

	private static final System.Logger LOG = System.getLogger(WorkerSignals.class.getName());

	private final ReentrantLock batchLock = new ReentrantLock(true);

	private final AtomicInteger controlWaiters = new AtomicInteger();

	private volatile Thread thread;

	private volatile boolean signalled;

	private volatile boolean idle;

	void attach(Thread worker) {
		this.signalled = true;
		this.thread = worker;
	}

	void detach() {
		this.thread = null;
	}

	Thread thread() {
		return this.thread;
	}

	boolean isWorkerThread() {
		return Thread.currentThread() == this.thread;
	}

	void lockForBatch() {
		this.batchLock.lock();
	}

	/** Takes the batch lock ahead of the thread's next batch. */
	void lockForControl() {
		this.controlWaiters.incrementAndGet();
		try {
			unparkWorker();
			this.batchLock.lock();
		}
		finally {
			this.controlWaiters.decrementAndGet();
		}
	}

	void unlock() {
		this.batchLock.unlock();
	}

	/** Called by the thread before it looks for events, so no signal is lost. */
	void clearSignal() {
		this.signalled = false;
	}

	/** Tells the thread to look for events again. */
	void signal() {
		this.signalled = true;
		// The thread sets idle before it checks signalled, and both are volatile, so
		// either it sees the signal or this sees it idle.
		if (this.idle) {
			unparkWorker();
		}
	}

	/**
	 * Wakes the thread after its phase changed (resumed, asked to stop): a wait for
	 * events ends, and a retry wait ends if the thread is to stop.
	 */
	void wake() {
		this.signalled = true;
		unparkWorker();
	}

	/**
	 * Parks the thread until signalled or asked to stop.
	 * @param stopRequested whether the thread is to end
	 */
	void awaitSignal(BooleanSupplier stopRequested) {
		this.idle = true;
		while (!this.signalled && !stopRequested.getAsBoolean()) {
			LockSupport.park(this);
		}
		this.idle = false;
	}

	/**
	 * Waits before the thread tries a failed commit again; returns early only when asked
	 * to stop (operations take the batch lock meanwhile, and new commits can wait).
	 * @param nanos how long to wait
	 * @param stopRequested whether the thread is to end
	 */
	void awaitRetry(long nanos, BooleanSupplier stopRequested) {
		long deadline = System.nanoTime() + nanos;
		long remaining = nanos;
		while (remaining > 0 && !stopRequested.getAsBoolean()) {
			LockSupport.parkNanos(this, remaining);
			remaining = deadline - System.nanoTime();
		}
	}

	boolean isIdle() {
		return this.idle;
	}

	/** Whether an operation waits for the batch lock, so that a retry wait should end. */
	boolean isControlWaiting() {
		return this.controlWaiters.get() > 0;
	}

	/**
	 * Waits for the thread to end; interrupts a handler that takes longer than the
	 * timeout, and gives up after twice the timeout.
	 * @param name the processor's name, for the log
	 * @param timeout how long the batch in hand may take
	 */
	void awaitStopped(String name, Duration timeout) {
		Thread worker = this.thread;
		if (worker == null || worker == Thread.currentThread()) {
			return;
		}
		boolean interrupted = false;
		boolean nudged = false;
		long deadline = System.nanoTime() + timeout.toNanos();
		while (worker.isAlive()) {
			long remaining = deadline - System.nanoTime();
			if (remaining <= 0) {
				if (nudged) {
					LOG.log(Level.WARNING,
							"Processor '" + name + "' did not stop; its handler is stuck. Leaving its thread behind");
					break;
				}
				LOG.log(Level.WARNING, "Processor '" + name + "' is still in its handler after " + timeout
						+ " of stopping; interrupting it");
				worker.interrupt();
				nudged = true;
				deadline = System.nanoTime() + timeout.toNanos();
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

	private void unparkWorker() {
		Thread worker = this.thread;
		if (worker != null) {
			LockSupport.unpark(worker);
		}
	}

}

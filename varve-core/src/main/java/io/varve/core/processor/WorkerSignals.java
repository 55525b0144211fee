package io.varve.core.processor;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

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
 */
final class WorkerSignals {

	private static final System.Logger LOG = System.getLogger(WorkerSignals.class.getName());

	private final ReentrantLock batchLock = new ReentrantLock(true);

	private final AtomicInteger controlWaiters = new AtomicInteger();

	private volatile Thread thread;

	private volatile boolean paused;

	private volatile boolean stopRequested;

	private volatile boolean signalled;

	private volatile boolean idle;

	void attach(Thread worker) {
		this.stopRequested = false;
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

	/** Parks the thread until signalled or asked to stop. */
	void awaitSignal() {
		this.idle = true;
		while (!this.signalled && !this.stopRequested) {
			LockSupport.park(this);
		}
		this.idle = false;
	}

	/**
	 * Waits before the thread tries a failed commit again; returns early only when asked
	 * to stop (operations take the batch lock meanwhile, and new commits can wait).
	 * @param nanos how long to wait
	 */
	void awaitRetry(long nanos) {
		long deadline = System.nanoTime() + nanos;
		long remaining = nanos;
		while (remaining > 0 && !this.stopRequested) {
			LockSupport.parkNanos(this, remaining);
			remaining = deadline - System.nanoTime();
		}
	}

	boolean isIdle() {
		return this.idle;
	}

	void pause(boolean paused) {
		this.paused = paused;
		if (!paused) {
			this.signalled = true;
			unparkWorker();
		}
	}

	boolean isPaused() {
		return this.paused;
	}

	void requestStop() {
		this.stopRequested = true;
		unparkWorker();
	}

	boolean isStopRequested() {
		return this.stopRequested;
	}

	/** Whether a retry wait should end early: stop, pause or an operation is waiting. */
	boolean shouldYield() {
		return this.stopRequested || this.paused || this.controlWaiters.get() > 0;
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

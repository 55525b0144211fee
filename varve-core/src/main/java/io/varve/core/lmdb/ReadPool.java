package io.varve.core.lmdb;

import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The read transactions a store keeps for reuse. A reset {@code MDB_NOTLS} transaction
 * keeps its entry in LMDB's reader table, which every process using the store shares, so
 * a pool that kept its transactions forever would keep other processes from reading. The
 * pool is a stack, so that the transactions in use stay few and hot, and those left idle
 * for {@link #IDLE_MILLIS} are closed, giving their entries back.
 *
 * <p>
 * A read that finds LMDB's table full waits here for a transaction this process gives
 * back, or for a moment before trying the table again (another process may have closed
 * one).
 */
final class ReadPool {

	/** How long a pooled transaction may sit unused before it is closed. */
	static final long IDLE_MILLIS = 1000;

	/**
	 * One daemon thread closes idle transactions of every open store in the JVM; it ends
	 * when the last store closes, so that nothing outlives the stores (an application
	 * restarted in the same JVM starts a new one).
	 */
	private static ScheduledExecutorService sweeper;

	private static int pools;

	private final ConcurrentLinkedDeque<LmdbReadTxn> idle = new ConcurrentLinkedDeque<>();

	private final ReentrantLock lock = new ReentrantLock();

	private final Condition given = this.lock.newCondition();

	private final AtomicInteger waiting = new AtomicInteger();

	private final ScheduledFuture<?> sweep;

	/**
	 * Starts a pool.
	 * @param sweep closes idle transactions (see {@link #closeIdle}), holding what
	 * closing a transaction needs; run every {@link #IDLE_MILLIS}
	 */
	ReadPool(Runnable sweep) {
		synchronized (ReadPool.class) {
			if (sweeper == null) {
				sweeper = Executors.newSingleThreadScheduledExecutor((task) -> {
					Thread thread = new Thread(task, "varve-idle-readers");
					thread.setDaemon(true);
					return thread;
				});
			}
			pools++;
			this.sweep = sweeper.scheduleWithFixedDelay(sweep, IDLE_MILLIS, IDLE_MILLIS, TimeUnit.MILLISECONDS);
		}
	}

	/** The most recently given back transaction, or null. */
	LmdbReadTxn take() {
		return this.idle.pollFirst();
	}

	/** Keeps a reset transaction for reuse, and wakes a read waiting for one. */
	void give(LmdbReadTxn txn) {
		txn.idleSince(System.nanoTime());
		this.idle.offerFirst(txn);
		if (this.waiting.get() > 0) {
			this.lock.lock();
			try {
				this.given.signal();
			}
			finally {
				this.lock.unlock();
			}
		}
	}

	/**
	 * Waits until a transaction is given back, or the time passes.
	 * @param nanos the most to wait
	 * @throws InterruptedException if interrupted
	 */
	void awaitGiven(long nanos) throws InterruptedException {
		this.waiting.incrementAndGet();
		this.lock.lock();
		try {
			if (this.idle.isEmpty()) {
				this.given.awaitNanos(nanos);
			}
		}
		finally {
			this.lock.unlock();
			this.waiting.decrementAndGet();
		}
	}

	/**
	 * Closes the transactions idle for {@link #IDLE_MILLIS} or more (the caller holds
	 * what closing needs). The oldest sit at the bottom of the stack.
	 */
	void closeIdle() {
		long now = System.nanoTime();
		LmdbReadTxn txn;
		while ((txn = this.idle.pollLast()) != null) {
			if (now - txn.idleSince() < TimeUnit.MILLISECONDS.toNanos(IDLE_MILLIS)) {
				this.idle.offerLast(txn);
				return;
			}
			txn.dispose();
		}
	}

	/** Stops the sweeps and closes every pooled transaction (the store is closing). */
	void close() {
		synchronized (ReadPool.class) {
			this.sweep.cancel(false);
			if (--pools == 0) {
				sweeper.shutdown();
				sweeper = null;
			}
		}
		LmdbReadTxn txn;
		while ((txn = this.idle.pollFirst()) != null) {
			txn.dispose();
		}
	}

}

package io.varve.core.write;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The writer's inbox: many producers, one consumer. Producers never take a lock: with
 * tens of threads appending on a few cores, a locked queue makes them queue up on the
 * lock and wake each other, which costs more than the commit they wait for. The consumer
 * parks when the queue is empty and the producer that finds it parked unparks it. When
 * the queue holds its capacity, producers back off until the writer catches up.
 *
 * @param <E> the element type
 */
final class RequestQueue<E> {

	private static final long BACKOFF_NANOS = 50_000;

	private final ConcurrentLinkedQueue<E> elements = new ConcurrentLinkedQueue<>();

	private final AtomicInteger size = new AtomicInteger();

	private final int capacity;

	private volatile Thread parkedConsumer;

	RequestQueue(int capacity) {
		this.capacity = capacity;
	}

	/**
	 * Adds an element, waiting while the queue is full.
	 * @param element the element
	 * @throws InterruptedException if interrupted while waiting for room
	 */
	void put(E element) throws InterruptedException {
		while (this.size.get() >= this.capacity) {
			LockSupport.parkNanos(this, BACKOFF_NANOS);
			if (Thread.interrupted()) {
				throw new InterruptedException();
			}
		}
		offer(element);
	}

	/**
	 * Adds an element at once, beyond the capacity if need be (for the writer's own
	 * signals, which are few).
	 * @param element the element
	 */
	void offer(E element) {
		this.elements.offer(element);
		this.size.incrementAndGet();
		Thread consumer = this.parkedConsumer;
		if (consumer != null) {
			LockSupport.unpark(consumer);
		}
	}

	/** Whether nothing is queued. */
	boolean isEmpty() {
		return this.size.get() == 0;
	}

	/**
	 * Takes the next element, if any, without waiting. Consumer only.
	 * @return the element or null
	 */
	E poll() {
		E element = this.elements.poll();
		if (element != null) {
			this.size.decrementAndGet();
		}
		return element;
	}

	/**
	 * Takes the next element, parking until there is one. Consumer only.
	 * @return the element
	 * @throws InterruptedException if interrupted while parked
	 */
	E take() throws InterruptedException {
		return take(-1);
	}

	/**
	 * Takes the next element, parking until there is one or the time is up. Consumer
	 * only.
	 * @param timeoutNanos the longest wait, negative for no limit
	 * @return the element, or null when the time was up first
	 * @throws InterruptedException if interrupted while parked
	 */
	E take(long timeoutNanos) throws InterruptedException {
		long deadline = System.nanoTime() + timeoutNanos;
		while (true) {
			E element = poll();
			if (element != null) {
				return element;
			}
			long left = deadline - System.nanoTime();
			if (timeoutNanos >= 0 && left <= 0) {
				return null;
			}
			// Announce the park before the last look, so a producer that offers after the
			// look sees the announcement and unparks us (park returns at once if it did).
			this.parkedConsumer = Thread.currentThread();
			try {
				element = poll();
				if (element != null) {
					return element;
				}
				if (timeoutNanos < 0) {
					LockSupport.park(this);
				}
				else {
					LockSupport.parkNanos(this, left);
				}
				if (Thread.interrupted()) {
					throw new InterruptedException();
				}
			}
			finally {
				this.parkedConsumer = null;
			}
		}
	}

}

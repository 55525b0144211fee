package io.varve.benchmarks.support;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The least a group commit from many blocking callers can cost: callers hand an encoded
 * event to one thread and wait for it, as Varve's appends do; that thread takes whatever
 * is queued, writes it as one {@link FlushCeiling} record, flushes it once, and completes
 * the callers' futures. No store, no index, no checks: only the hand-off in both
 * directions and one flush per group. Its CPU per event is the floor under Varve's with
 * the same number of platform threads, because each caller still parks once and is woken
 * once per append.
 */
public final class GroupFlushFloor implements AutoCloseable {

	private final FlushCeiling ceiling;

	private final ConcurrentLinkedQueue<Request> queue = new ConcurrentLinkedQueue<>();

	private final AtomicInteger groups = new AtomicInteger();

	private final AtomicInteger events = new AtomicInteger();

	private final Thread thread;

	private volatile boolean running = true;

	private volatile Thread parked;

	/**
	 * Starts the flushing thread.
	 * @param ceiling the record file, flushed once per group
	 */
	public GroupFlushFloor(FlushCeiling ceiling) {
		this.ceiling = ceiling;
		this.thread = new Thread(this::run, "group-flush-floor");
		this.thread.setDaemon(true);
		this.thread.start();
	}

	/**
	 * Hands one encoded event to the flushing thread and waits until its group is
	 * flushed.
	 * @param payload the event's bytes
	 */
	public void append(byte[] payload) {
		Request request = new Request(payload);
		this.queue.offer(request);
		Thread consumer = this.parked;
		if (consumer != null) {
			LockSupport.unpark(consumer);
		}
		request.done.join();
	}

	/** Groups flushed so far. */
	public int groups() {
		return this.groups.get();
	}

	/** Events flushed so far. */
	public int events() {
		return this.events.get();
	}

	private void run() {
		List<Request> group = new ArrayList<>();
		byte[] buffer = new byte[60 * 1024];
		while (this.running) {
			Request request = this.queue.poll();
			if (request == null) {
				this.parked = Thread.currentThread();
				if (this.queue.isEmpty() && this.running) {
					LockSupport.park(this);
				}
				this.parked = null;
				continue;
			}
			int length = 0;
			do {
				group.add(request);
				if (length + request.payload.length <= buffer.length) {
					System.arraycopy(request.payload, 0, buffer, length, request.payload.length);
					length += request.payload.length;
				}
			}
			while (length < buffer.length && (request = this.queue.poll()) != null);
			this.ceiling.append(Arrays.copyOf(buffer, length));
			this.groups.incrementAndGet();
			this.events.addAndGet(group.size());
			for (Request done : group) {
				done.done.complete(null);
			}
			group.clear();
		}
	}

	@Override
	public void close() {
		this.running = false;
		LockSupport.unpark(this.thread);
		try {
			this.thread.join();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.ceiling.close();
	}

	private static final class Request {

		final byte[] payload;

		final CompletableFuture<Void> done = new CompletableFuture<>();

		Request(byte[] payload) {
			this.payload = payload;
		}

	}

}

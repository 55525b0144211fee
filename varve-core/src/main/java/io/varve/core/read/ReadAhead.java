package io.varve.core.read;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

import io.varve.RecordedEvent;
import io.varve.core.util.Threads;

/**
 * Reads the next chunk of a long scan on a helper thread while the caller consumes the
 * current one. Reading a chunk (copying its envelopes out of the map, checking them, and
 * in an encrypted store opening them) and consuming it (decoding payloads, the caller's
 * own work) then overlap on two cores. One helper thread per store, started when a scan
 * first needs it and ended after a few idle seconds; a chunk it has not started when the
 * caller wants it is read on the caller's thread instead, so a busy helper never makes a
 * scan wait.
 */
public final class ReadAhead implements AutoCloseable {

	private static final long IDLE_SECONDS = 5;

	private final ThreadPoolExecutor executor;

	/**
	 * @param name the store's name, for the thread's name
	 */
	public ReadAhead(String name) {
		this.executor = new ThreadPoolExecutor(1, 1, IDLE_SECONDS, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
				(task) -> {
					Thread thread = new Thread(task, "varve-read-ahead[" + name + "]");
					thread.setDaemon(true);
					return thread;
				});
		this.executor.allowCoreThreadTimeOut(true);
	}

	/**
	 * Starts reading a chunk on the helper thread.
	 * @param read reads the chunk
	 * @return the chunk to {@linkplain #take take}, or null when the store is closing
	 */
	@Nullable FutureTask<List<RecordedEvent>> start(Callable<List<RecordedEvent>> read) {
		FutureTask<List<RecordedEvent>> task = new FutureTask<>(read);
		try {
			this.executor.execute(task);
		}
		catch (RejectedExecutionException ex) {
			return null;
		}
		return task;
	}

	/**
	 * A chunk started earlier: read here if the helper has not started it, else waited
	 * for; what reading it threw is thrown here.
	 * @param task the chunk
	 * @return its events
	 */
	static List<RecordedEvent> take(FutureTask<List<RecordedEvent>> task) {
		// Does nothing if the helper has started it.
		task.run();
		return Threads.awaitUninterruptibly(task, "Reading events");
	}

	/** Takes no more chunks; one being read finishes (the store's close waits for it). */
	@Override
	public void close() {
		this.executor.shutdown();
	}

}

package io.varve.benchmarks.support;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs an operation from N threads for a warm-up period and then a measured window,
 * counting events and recording each operation's latency in the window. Threads stop by
 * themselves when the window ends.
 */
public final class Load {

	private static final int MAX_SAMPLES_PER_THREAD = 200_000;

	private Load() {
	}

	/**
	 * Runs the load.
	 * @param threads number of concurrent callers
	 * @param warmupMillis warm-up time, not measured
	 * @param measureMillis the measured window
	 * @param operation the operation; returns the number of events it handled
	 * @return events, window length and latencies
	 */
	public static Measurement run(int threads, long warmupMillis, long measureMillis, Operation operation) {
		return run(threads, warmupMillis, measureMillis, operation, () -> {
		});
	}

	/**
	 * Runs the load, calling a hook when the measured window starts.
	 * @param threads number of concurrent callers
	 * @param warmupMillis warm-up time, not measured
	 * @param measureMillis the measured window
	 * @param operation the operation; returns the number of events it handled
	 * @param atMeasureStart called as the window starts (to reset counters)
	 * @return events, window length and latencies
	 */
	public static Measurement run(int threads, long warmupMillis, long measureMillis, Operation operation,
			Runnable atMeasureStart) {
		return run(threads, warmupMillis, measureMillis, operation, atMeasureStart, () -> {
		});
	}

	/**
	 * Runs the operation as {@link #run(int, long, long, Operation, Runnable)} does, and
	 * also calls {@code atMeasureEnd} as the measured window closes, before the threads
	 * are told to stop.
	 * @param threads the number of threads
	 * @param warmupMillis unmeasured warm-up
	 * @param measureMillis measured window
	 * @param operation what each thread does
	 * @param atMeasureStart run as the measured window opens
	 * @param atMeasureEnd run as the measured window closes
	 * @return the measurement
	 */
	public static Measurement run(int threads, long warmupMillis, long measureMillis, Operation operation,
			Runnable atMeasureStart, Runnable atMeasureEnd) {
		return run(LoadThreads.PLATFORM, threads, warmupMillis, measureMillis, operation, atMeasureStart, atMeasureEnd);
	}

	/**
	 * Runs the operation as {@link #run(int, long, long, Operation, Runnable, Runnable)}
	 * does, on threads of the given kind.
	 * @param factory makes the callers' threads (see {@link LoadThreads})
	 * @param threads the number of threads
	 * @param warmupMillis unmeasured warm-up
	 * @param measureMillis measured window
	 * @param operation what each thread does
	 * @param atMeasureStart run as the measured window opens
	 * @param atMeasureEnd run as the measured window closes
	 * @return the measurement
	 */
	public static Measurement run(ThreadFactory factory, int threads, long warmupMillis, long measureMillis,
			Operation operation, Runnable atMeasureStart, Runnable atMeasureEnd) {
		long[][] samples = new long[threads][];
		int[] counts = new int[threads];
		long[] events = new long[threads];
		AtomicReference<Throwable> failure = new AtomicReference<>();
		CountDownLatch ready = new CountDownLatch(threads);
		CountDownLatch done = new CountDownLatch(threads);
		Phase phase = new Phase();
		Thread[] workers = new Thread[threads];
		for (int t = 0; t < threads; t++) {
			int worker = t;
			samples[t] = new long[MAX_SAMPLES_PER_THREAD];
			workers[t] = factory.newThread(() -> {
				ready.countDown();
				long iteration = 0;
				try {
					while (phase.value != Phase.STOP && failure.get() == null) {
						long start = System.nanoTime();
						int handled = operation.run(worker, iteration++);
						long took = System.nanoTime() - start;
						if (phase.value == Phase.MEASURE) {
							events[worker] += handled;
							if (counts[worker] < MAX_SAMPLES_PER_THREAD) {
								samples[worker][counts[worker]++] = took;
							}
						}
					}
				}
				catch (Throwable ex) {
					failure.compareAndSet(null, ex);
				}
				finally {
					done.countDown();
				}
			});
			workers[t].setName("bench-" + t);
			workers[t].start();
		}
		long window;
		try {
			ready.await();
			Thread.sleep(warmupMillis);
			atMeasureStart.run();
			phase.value = Phase.MEASURE;
			long start = System.nanoTime();
			Thread.sleep(measureMillis);
			atMeasureEnd.run();
			phase.value = Phase.STOP;
			window = System.nanoTime() - start;
			done.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while measuring", ex);
		}
		if (failure.get() != null) {
			throw new IllegalStateException("A benchmark thread failed: " + failure.get(), failure.get());
		}
		long total = 0;
		for (long count : events) {
			total += count;
		}
		return new Measurement(total, window, Latencies.of(samples, counts));
	}

	/** One operation of a load thread. */
	@FunctionalInterface
	public interface Operation {

		/**
		 * Does one operation.
		 * @param worker the thread's number, 0 to threads - 1
		 * @param iteration the thread's operation count so far
		 * @return events handled
		 * @throws Exception on failure, which ends the run
		 */
		int run(int worker, long iteration) throws Exception;

	}

	private static final class Phase {

		static final int WARMUP = 0;

		static final int MEASURE = 1;

		static final int STOP = 2;

		volatile int value = WARMUP;

	}

}

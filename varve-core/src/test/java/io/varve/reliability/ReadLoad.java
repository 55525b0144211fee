package io.varve.reliability;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

import io.varve.RecordedEvent;
import io.varve.Varve;

/**
 * Many threads reading a store at once, each read checked: the load under which LMDB's
 * reader table fills up. Failures are collected, not thrown, so that the caller sees them
 * all.
 *
 * @param reads the reads that returned the right events
 * @param failures what the others threw
 */
record ReadLoad(long reads, List<Throwable> failures) {

	static ReadLoad run(Varve varve, int threads, int readsPerThread) throws InterruptedException {
		long head = varve.headPosition();
		AtomicLong reads = new AtomicLong();
		ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
		List<Thread> readers = new ArrayList<>();
		for (int t = 0; t < threads; t++) {
			int thread = t;
			Thread reader = new Thread(() -> {
				for (int i = 0; i < readsPerThread; i++) {
					try {
						long position = 1 + (thread * 31L + i) % head;
						List<RecordedEvent> slice = varve.readAll(position, 5);
						RecordedEvent one = varve.readEvent(position).orElseThrow();
						if (slice.get(0).position() != position || one.position() != position) {
							throw new AssertionError("read position " + position + ", got " + one.position());
						}
						reads.incrementAndGet();
					}
					catch (Throwable ex) {
						failures.add(ex);
					}
				}
			});
			reader.start();
			readers.add(reader);
		}
		for (Thread reader : readers) {
			reader.join();
		}
		return new ReadLoad(reads.get(), List.copyOf(failures));
	}

}

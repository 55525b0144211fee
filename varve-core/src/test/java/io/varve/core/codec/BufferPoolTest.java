package io.varve.core.codec;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import tools.jackson.core.util.BufferRecycler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class BufferPoolTest {

	private final PayloadCodec codec = new PayloadCodec(PayloadCodec.defaultMapper());

	@Test
	void theDefaultMapperTakesItsBuffersFromVarvesPool() {
		assertThat(PayloadCodec.defaultMapper().tokenStreamFactory()._getRecyclerPool()).isSameAs(BufferPool.INSTANCE);
	}

	@Test
	void aPlatformThreadKeepsItsOwnBuffersAndOtherThreadsHaveOthers() throws Exception {
		BufferRecycler first = BufferPool.INSTANCE.acquireAndLinkPooled();
		first.releaseToPool();
		BufferRecycler again = BufferPool.INSTANCE.acquireAndLinkPooled();
		again.releaseToPool();
		assertThat(again).isSameAs(first);
		AtomicReference<BufferRecycler> other = new AtomicReference<>();
		Thread thread = new Thread(() -> other.set(BufferPool.INSTANCE.acquireAndLinkPooled()));
		thread.start();
		thread.join();
		assertThat(other.get()).isNotNull().isNotSameAs(first);
	}

	@Test
	void manyThreadsEncodingAndDecodingAtOnceEachGetTheirOwnValuesBack() throws Exception {
		ExecutorService threads = Executors.newFixedThreadPool(16);
		try {
			List<Future<Integer>> results = new ArrayList<>();
			for (int t = 0; t < 16; t++) {
				int thread = t;
				results.add(threads.submit(roundTrips(thread)));
			}
			for (Future<Integer> result : results) {
				assertThat(result.get()).isEqualTo(2_000);
			}
		}
		finally {
			threads.shutdownNow();
		}
	}

	private Callable<Integer> roundTrips(int thread) {
		return () -> {
			int same = 0;
			for (int i = 0; i < 2_000; i++) {
				// Long enough text that the encoder and parser use their pooled buffers.
				Sample sample = new Sample(thread * 1_000_000 + i,
						("thread " + thread + " value " + i + " ").repeat(40));
				byte[] bytes = this.codec.encode(sample, () -> "sample");
				if (this.codec.decode(bytes, 0, bytes.length, Sample.class, "sample").equals(sample)) {
					same++;
				}
			}
			return same;
		};
	}

	@Test
	void aVirtualThreadBorrowsFromTheSharedPoolAndGivesTheBuffersBack() throws Exception {
		assumeTrue(Runtime.version().feature() >= 21, "virtual threads need Java 21");
		AtomicReference<Boolean> virtual = new AtomicReference<>();
		int[] pooled = new int[2];
		AtomicReference<Sample> decoded = new AtomicReference<>();
		Runnable task = () -> {
			virtual.set(BufferPool.onVirtualThread());
			BufferRecycler recycler = BufferPool.INSTANCE.acquireAndLinkPooled();
			pooled[0] = BufferPool.sharedCount();
			recycler.releaseToPool();
			pooled[1] = BufferPool.sharedCount();
			byte[] bytes = this.codec.encode(new Sample(1, "one"), () -> "sample");
			decoded.set(this.codec.decode(bytes, 0, bytes.length, Sample.class, "sample"));
		};
		Thread thread = (Thread) Thread.class.getMethod("startVirtualThread", Runnable.class).invoke(null, task);
		thread.join();
		assertThat(virtual.get()).isTrue();
		// Given back to the shared pool, not kept by the virtual thread, which ends.
		assertThat(pooled[1]).isEqualTo(pooled[0] + 1);
		assertThat(decoded.get()).isEqualTo(new Sample(1, "one"));
		// A platform thread's own set never goes to the shared pool.
		int before = BufferPool.sharedCount();
		BufferPool.INSTANCE.acquireAndLinkPooled().releaseToPool();
		assertThat(BufferPool.sharedCount()).isEqualTo(before);
	}

	record Sample(int index, String text) {

	}

}

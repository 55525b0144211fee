package io.varve;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.varve.TestEvents.Deposited;

import static org.assertj.core.api.Assertions.assertThat;

class ConcurrencyTest {

	@TempDir
	Path dir;

	record Claim(int thread, long version) {
	}

	@Test
	void exactlyOneWriterWinsEachVersionOfAContendedStream() throws Exception {
		int threads = 16;
		int targetVersion = 200;
		ConcurrentLinkedQueue<AppendResult> wins = new ConcurrentLinkedQueue<>();
		try (Varve varve = Varve.builder().path(this.dir).durability(Durability.NO_SYNC).open()) {
			ExecutorService pool = Executors.newFixedThreadPool(threads);
			// Each round, every thread reads the version before any of them appends, so
			// all of them race for the same next version: one wins, the others lose.
			CyclicBarrier read = new CyclicBarrier(threads);
			CyclicBarrier appended = new CyclicBarrier(threads);
			List<Future<Integer>> conflicts = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				int thread = t;
				conflicts.add(pool.submit(() -> {
					int lost = 0;
					for (int round = 0; round < targetVersion; round++) {
						long version = varve.streamInfo("hot-1").map(StreamInfo::version).orElse(0L);
						read.await(30, TimeUnit.SECONDS);
						try {
							wins.add(varve.append("hot-1", ExpectedVersion.exact(version),
									new Claim(thread, version + 1)));
						}
						catch (WrongExpectedVersionException ex) {
							assertThat(ex.actualVersion()).isEqualTo(version + 1);
							lost++;
						}
						appended.await(30, TimeUnit.SECONDS);
					}
					return lost;
				}));
			}
			int totalConflicts = 0;
			for (Future<Integer> conflict : conflicts) {
				// An assertion failed on a pool thread reaches the test here.
				totalConflicts += conflict.get(120, TimeUnit.SECONDS);
			}
			pool.shutdown();

			assertThat(wins).hasSize(targetVersion);
			assertThat(wins.stream().map(AppendResult::version).sorted().toList())
				.containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, targetVersion).boxed().toList());
			List<RecordedEvent> events = varve.readStream("hot-1", 1, 1000);
			assertThat(events).hasSize(targetVersion);
			for (int i = 0; i < events.size(); i++) {
				RecordedEvent event = events.get(i);
				assertThat(event.version()).isEqualTo(i + 1);
				assertThat(event.position()).isEqualTo(i + 1);
				assertThat(event.dataAs(Claim.class).version()).isEqualTo(i + 1);
			}
			assertThat(varve.headPosition()).isEqualTo(targetVersion);
			assertThat(totalConflicts).isEqualTo((threads - 1) * targetVersion);
		}
	}

	@Test
	void concurrentWritersToManyStreamsLoseNothingAndPositionsFollowCommitOrder() throws Exception {
		int threads = 32;
		int perThread = 100;
		ConcurrentLinkedQueue<AppendResult> acknowledged = new ConcurrentLinkedQueue<>();
		try (Varve varve = Varve.open(this.dir)) {
			ExecutorService pool = Executors.newFixedThreadPool(threads);
			CountDownLatch start = new CountDownLatch(1);
			List<Future<?>> done = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				int thread = t;
				done.add(pool.submit(() -> {
					start.await();
					for (int i = 0; i < perThread; i++) {
						acknowledged.add(varve.append("writer-" + thread, ExpectedVersion.exact(i), new Deposited(i)));
					}
					return null;
				}));
			}
			start.countDown();
			for (Future<?> future : done) {
				future.get(120, TimeUnit.SECONDS);
			}
			pool.shutdown();

			long total = (long) threads * perThread;
			assertThat(varve.headPosition()).isEqualTo(total);
			Set<Long> positions = new HashSet<>();
			acknowledged.forEach((result) -> positions.add(result.firstPosition()));
			assertThat(positions).hasSize((int) total);
			List<RecordedEvent> log = varve.readAll(0, (int) total + 10);
			assertThat(log).hasSize((int) total);
			long[] lastVersion = new long[threads];
			for (int i = 0; i < log.size(); i++) {
				RecordedEvent event = log.get(i);
				assertThat(event.position()).isEqualTo(i + 1);
				int thread = Integer.parseInt(event.stream().substring("writer-".length()));
				// Each writer's events appear in the log in the order it appended them.
				assertThat(event.version()).isEqualTo(lastVersion[thread] + 1);
				lastVersion[thread] = event.version();
			}
		}
	}

}

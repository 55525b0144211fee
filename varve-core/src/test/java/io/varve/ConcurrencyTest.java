package io.varve;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
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
			CountDownLatch start = new CountDownLatch(1);
			List<Future<Integer>> conflicts = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				int thread = t;
				conflicts.add(pool.submit(() -> {
					start.await();
					int lost = 0;
					while (true) {
						long version = varve.streamInfo("hot-1").map(StreamInfo::version).orElse(0L);
						if (version >= targetVersion) {
							return lost;
						}
						try {
							wins.add(varve.append("hot-1", ExpectedVersion.exact(version),
									new Claim(thread, version + 1)));
						}
						catch (WrongExpectedVersionException ex) {
							assertThat(ex.actualVersion()).isGreaterThan(version);
							lost++;
						}
					}
				}));
			}
			start.countDown();
			int totalConflicts = 0;
			for (Future<Integer> conflict : conflicts) {
				totalConflicts += conflict.get(60, TimeUnit.SECONDS);
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
			// With 16 threads racing for each version there must have been losers.
			assertThat(totalConflicts).isPositive();
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

package io.varve.reliability;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.varve.AppendResult;
import io.varve.EventData;
import io.varve.ExpectedVersion;
import io.varve.RecordedEvent;
import io.varve.StreamAppend;
import io.varve.StreamInfo;
import io.varve.TransactionResult;
import io.varve.Varve;
import io.varve.WrongExpectedVersionException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Writers and readers on many threads for a bounded time, on a few hot streams, with
 * expected versions that are often stale or wrong and some multi-stream transactions.
 * Afterwards every acknowledged event is stored exactly once where its result said, every
 * event refused with {@link WrongExpectedVersionException} is absent, and the store's
 * invariants hold. {@code -Dvarve.stress.seconds=N} runs longer.
 */
class ConcurrencyStressTest {

	private static final int SECONDS = Integer.getInteger("varve.stress.seconds", 3);

	private static final int STREAMS = 12;

	@TempDir
	Path dir;

	@Test
	void acknowledgedEventsAreStoredOnceAndRefusedOnesNotAtAll() throws Exception {
		Map<UUID, Placed> acknowledged = new ConcurrentHashMap<>();
		Set<UUID> refused = ConcurrentHashMap.newKeySet();
		ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
		AtomicInteger transactions = new AtomicInteger();
		AtomicInteger reads = new AtomicInteger();
		try (Varve varve = Varve.builder().path(this.dir.resolve("store")).mapSize(1024 * 1024).open()) {
			long deadline = System.nanoTime() + SECONDS * 1_000_000_000L;
			List<Thread> threads = new ArrayList<>();
			for (int t = 0; t < 6; t++) {
				SplittableRandom random = new SplittableRandom(1000 + t);
				threads.add(new Thread(() -> guard(failures, () -> {
					while (System.nanoTime() < deadline) {
						write(varve, random, acknowledged, refused, transactions);
					}
				})));
			}
			for (int t = 0; t < 3; t++) {
				SplittableRandom random = new SplittableRandom(2000 + t);
				threads.add(new Thread(() -> guard(failures, () -> {
					while (System.nanoTime() < deadline) {
						read(varve, random);
						reads.incrementAndGet();
					}
				})));
			}
			threads.forEach(Thread::start);
			for (Thread thread : threads) {
				thread.join();
			}
			assertThat(failures).as("unexpected failures").isEmpty();
			assertThat(acknowledged).as("acknowledged events").isNotEmpty();
			assertThat(refused).as("events refused for a wrong expected version").isNotEmpty();
			assertThat(transactions.get()).as("committed transactions").isPositive();
			assertThat(reads.get()).as("reads").isPositive();

			StoreVerifier.Contents contents = StoreVerifier.verify(varve);
			Map<UUID, StoreVerifier.Stored> stored = contents.byId();
			assertThat(contents.events()).as("every stored event was acknowledged").hasSize(acknowledged.size());
			for (Map.Entry<UUID, Placed> entry : acknowledged.entrySet()) {
				StoreVerifier.Stored event = stored.get(entry.getKey());
				assertThat(event).as("acknowledged event %s", entry.getKey()).isNotNull();
				assertThat(new Placed(event.stream(), event.version(), event.position())).isEqualTo(entry.getValue());
			}
			for (UUID id : refused) {
				assertThat(stored).as("refused event %s", id).doesNotContainKey(id);
			}
		}
	}

	private static void write(Varve varve, SplittableRandom random, Map<UUID, Placed> acknowledged, Set<UUID> refused,
			AtomicInteger transactions) {
		if (random.nextInt(10) < 3) {
			int a = random.nextInt(STREAMS);
			int b = (a + 1 + random.nextInt(STREAMS - 1)) % STREAMS;
			List<EventData> first = events(random);
			List<EventData> second = events(random);
			try {
				TransactionResult result = varve.transaction(
						new StreamAppend(stream(a), expectation(varve, random, stream(a)), first),
						new StreamAppend(stream(b), expectation(varve, random, stream(b)), second));
				record(result.result(stream(a)), first, acknowledged);
				record(result.result(stream(b)), second, acknowledged);
				transactions.incrementAndGet();
			}
			catch (WrongExpectedVersionException ex) {
				first.forEach((event) -> refused.add(event.id()));
				second.forEach((event) -> refused.add(event.id()));
			}
			return;
		}
		String stream = stream(random.nextInt(STREAMS));
		List<EventData> events = events(random);
		try {
			record(varve.append(stream, expectation(varve, random, stream), events), events, acknowledged);
		}
		catch (WrongExpectedVersionException ex) {
			assertThat(ex.stream()).isEqualTo(stream);
			events.forEach((event) -> refused.add(event.id()));
		}
	}

	/**
	 * Mostly the version just read (which may be stale by now), sometimes a wrong one.
	 */
	private static ExpectedVersion expectation(Varve varve, SplittableRandom random, String stream) {
		long current = varve.streamInfo(stream).map(StreamInfo::version).orElse(0L);
		return switch (random.nextInt(10)) {
			case 0 -> ExpectedVersion.any();
			case 1 -> ExpectedVersion.noStream();
			case 2 -> ExpectedVersion.streamExists();
			case 3 -> ExpectedVersion.exact(current + 1 + random.nextInt(3));
			case 4 -> ExpectedVersion.exact(Math.max(0, current - 1 - random.nextInt(3)));
			default -> ExpectedVersion.exact(current);
		};
	}

	private static List<EventData> events(SplittableRandom random) {
		int count = 1 + random.nextInt(3);
		List<EventData> events = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			events.add(EventData.of(Filler.of(random.nextInt(1000), random.nextInt(300)))
				.withId(new UUID(random.nextLong(), random.nextLong())));
		}
		return events;
	}

	private static void record(AppendResult result, List<EventData> events, Map<UUID, Placed> acknowledged) {
		long firstVersion = result.version() - events.size() + 1;
		assertThat(result.lastPosition() - result.firstPosition() + 1).isEqualTo(events.size());
		for (int i = 0; i < events.size(); i++) {
			Placed previous = acknowledged.put(events.get(i).id(),
					new Placed(result.stream(), firstVersion + i, result.firstPosition() + i));
			assertThat(previous).as("event %s acknowledged once", events.get(i).id()).isNull();
		}
	}

	private static void read(Varve varve, SplittableRandom random) {
		long head = varve.headPosition();
		List<RecordedEvent> all = varve.readAll(random.nextLong(head + 1), 1 + random.nextInt(200));
		for (int i = 1; i < all.size(); i++) {
			assertThat(all.get(i).position()).isEqualTo(all.get(i - 1).position() + 1);
		}
		String stream = stream(random.nextInt(STREAMS));
		List<RecordedEvent> forward = varve.readStream(stream, 1, 500);
		for (int i = 0; i < forward.size(); i++) {
			assertThat(forward.get(i).version()).isEqualTo(i + 1);
			assertThat(forward.get(i).stream()).isEqualTo(stream);
		}
		List<RecordedEvent> backward = varve.readStreamBackward(stream, Long.MAX_VALUE, 50);
		for (int i = 1; i < backward.size(); i++) {
			assertThat(backward.get(i).version()).isEqualTo(backward.get(i - 1).version() - 1);
			assertThat(backward.get(i).position()).isLessThan(backward.get(i - 1).position());
		}
	}

	private static String stream(int index) {
		return "stress-" + index;
	}

	private static void guard(ConcurrentLinkedQueue<Throwable> failures, Runnable work) {
		try {
			work.run();
		}
		catch (Throwable ex) {
			failures.add(ex);
		}
	}

	/** Where an event was written. */
	record Placed(String stream, long version, long position) {

	}

}

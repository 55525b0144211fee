package io.varve.reliability;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import io.varve.AppendResult;
import io.varve.Durability;
import io.varve.EventData;
import io.varve.ExpectedVersion;
import io.varve.StreamAppend;
import io.varve.TransactionResult;
import io.varve.Varve;

/**
 * The child of the crash test: appends from several threads until it is killed, and
 * prints each acknowledged event as
 * {@code E id stream version position seq length hasMetadata .}, only after the append
 * returned. The closing dot tells a complete line from one cut by the kill.
 *
 * <p>
 * Arguments: store directory, round number, thread count, seed, durability.
 */
public final class CrashAppenderMain {

	private static final PrintStream OUT = new PrintStream(new FileOutputStream(FileDescriptor.out), false,
			StandardCharsets.UTF_8);

	private CrashAppenderMain() {
	}

	public static void main(String[] args) throws Exception {
		Path path = Path.of(args[0]);
		int round = Integer.parseInt(args[1]);
		int threads = Integer.parseInt(args[2]);
		long seed = Long.parseLong(args[3]);
		Durability durability = Durability.valueOf(args[4]);
		// A small initial map, so that growth happens while the child may be killed.
		Varve varve = Varve.builder().path(path).durability(durability).mapSize(1024 * 1024).open();
		print("READY " + ProcessHandle.current().pid());
		AtomicLong sequence = new AtomicLong((long) round << 40);
		List<Thread> workers = new ArrayList<>();
		for (int t = 0; t < threads; t++) {
			int thread = t;
			Thread worker = new Thread(() -> appendForever(varve, round, thread, seed, sequence));
			worker.start();
			workers.add(worker);
		}
		for (Thread worker : workers) {
			worker.join();
		}
	}

	private static void appendForever(Varve varve, int round, int thread, long seed, AtomicLong sequence) {
		SplittableRandom random = new SplittableRandom(seed + thread);
		String[] own = new String[4];
		long[] versions = new long[own.length];
		for (int i = 0; i < own.length; i++) {
			own[i] = "crash" + round + "-t" + thread + "s" + i;
		}
		String shared = "shared-" + round;
		while (true) {
			int choice = random.nextInt(10);
			if (choice < 6) {
				int s = random.nextInt(own.length);
				ExpectedVersion expected = (versions[s] == 0) ? ExpectedVersion.noStream()
						: ExpectedVersion.exact(versions[s]);
				List<EventData> events = events(random, sequence);
				AppendResult result = varve.append(own[s], expected, events);
				versions[s] = result.version();
				acknowledge(result, events);
			}
			else if (choice < 8) {
				List<EventData> events = events(random, sequence);
				acknowledge(varve.append(shared, ExpectedVersion.any(), events), events);
			}
			else {
				int a = random.nextInt(own.length);
				int b = (a + 1 + random.nextInt(own.length - 1)) % own.length;
				List<EventData> first = events(random, sequence);
				List<EventData> second = events(random, sequence);
				TransactionResult result = varve.transaction(
						new StreamAppend(own[a], ExpectedVersion.exact(versions[a]), first),
						new StreamAppend(own[b], ExpectedVersion.exact(versions[b]), second));
				versions[a] = result.result(own[a]).version();
				versions[b] = result.result(own[b]).version();
				acknowledge(result.result(own[a]), first);
				acknowledge(result.result(own[b]), second);
			}
		}
	}

	private static List<EventData> events(SplittableRandom random, AtomicLong sequence) {
		int count = 1 + random.nextInt(4);
		List<EventData> events = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			long seq = sequence.incrementAndGet();
			// Mostly small events, some past LMDB's overflow threshold (about 2 KB).
			int length = (random.nextInt(8) == 0) ? 2000 + random.nextInt(6000) : random.nextInt(200);
			EventData event = EventData.of(CrashEvent.of(seq, length)).withId(new UUID(seq, random.nextLong()));
			if (random.nextBoolean()) {
				event = event.withMetadata(Map.of("seq", seq));
			}
			events.add(event);
		}
		return events;
	}

	private static void acknowledge(AppendResult result, List<EventData> events) {
		StringBuilder lines = new StringBuilder();
		long firstVersion = result.version() - events.size() + 1;
		for (int i = 0; i < events.size(); i++) {
			CrashEvent event = (CrashEvent) events.get(i).event();
			lines.append("E ")
				.append(events.get(i).id())
				.append(' ')
				.append(result.stream())
				.append(' ')
				.append(firstVersion + i)
				.append(' ')
				.append(result.firstPosition() + i)
				.append(' ')
				.append(event.seq())
				.append(' ')
				.append(event.text().length())
				.append(' ')
				.append(events.get(i).metadata() != null)
				.append(" .\n");
		}
		print(lines.toString());
	}

	private static void print(String text) {
		synchronized (OUT) {
			OUT.print(text.endsWith("\n") ? text : text + "\n");
			OUT.flush();
		}
	}

}

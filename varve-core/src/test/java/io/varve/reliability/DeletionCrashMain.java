package io.varve.reliability;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.LinkedBlockingQueue;

import io.varve.Durability;
import io.varve.ExpectedVersion;
import io.varve.RetentionPolicy;
import io.varve.Varve;

/**
 * The child of the deletion crash test: appends to streams, deletes and truncates streams
 * it finished, and has retention trimming another category, until it is killed. Prints,
 * only after each call returned: {@code A stream version .} for an append,
 * {@code D stream version .} for a deletion and {@code T stream before .} for a
 * truncation; and before each deletion or truncation is sent, {@code d stream .} or
 * {@code t stream before .}, so the test knows which ones may have happened unseen.
 *
 * <p>
 * Arguments: store directory, round number, seed, the file that records the lines.
 */
public final class DeletionCrashMain {

	private static final PrintStream OUT = new PrintStream(new FileOutputStream(FileDescriptor.out), false,
			StandardCharsets.UTF_8);

	/**
	 * Every line also goes to this file, written before the call it announces: what a
	 * killed process wrote to a file stays, whatever the pipe to the test still held.
	 */
	private static FileOutputStream record;

	private DeletionCrashMain() {
	}

	public static void main(String[] args) throws Exception {
		Path path = Path.of(args[0]);
		int round = Integer.parseInt(args[1]);
		Random random = new Random(Long.parseLong(args[2]));
		record = new FileOutputStream(args[3], true);
		Varve varve = Varve.builder()
			.path(path)
			.durability(Durability.SYNC)
			.mapSize(1024 * 1024)
			.eventTypes(CrashEvent.class)
			.retention("ret", RetentionPolicy.maxCount(30))
			.retentionInterval(Duration.ofMillis(5))
			.open();
		print("READY " + ProcessHandle.current().pid());
		LinkedBlockingQueue<long[]> finished = new LinkedBlockingQueue<>();
		List<Thread> threads = new ArrayList<>();
		for (int t = 0; t < 3; t++) {
			int thread = t;
			long seed = random.nextLong();
			threads.add(new Thread(() -> append(varve, round, thread, seed, finished)));
		}
		long seed = random.nextLong();
		threads.add(new Thread(() -> delete(varve, round, seed, finished)));
		threads.forEach(Thread::start);
		for (Thread thread : threads) {
			thread.join();
		}
	}

	private static void append(Varve varve, int round, int thread, long seed, LinkedBlockingQueue<long[]> finished) {
		Random random = new Random(seed);
		for (long n = 0;; n++) {
			boolean retained = random.nextInt(3) == 0;
			String stream = retained ? "ret-" + round + "-" + thread : "acct-" + round + "-" + thread + "-" + n;
			long version = retained ? varve.streamInfo(stream).map((info) -> info.version()).orElse(0L) : 0;
			int count = 1 + random.nextInt(retained ? 20 : 80);
			Object[] events = new Object[count];
			for (int i = 0; i < count; i++) {
				events[i] = new CrashEvent(n * 1000 + i, "payload-" + n + "-" + i);
			}
			long after = varve.append(stream, ExpectedVersion.exact(version), events).version();
			print("A " + stream + " " + after + " .");
			if (!retained) {
				finished.add(new long[] { round, thread, n, after });
			}
		}
	}

	private static void delete(Varve varve, int round, long seed, LinkedBlockingQueue<long[]> finished) {
		Random random = new Random(seed);
		try {
			while (true) {
				long[] done = finished.take();
				String stream = "acct-" + done[0] + "-" + done[1] + "-" + done[2];
				long version = done[3];
				switch (random.nextInt(3)) {
					case 0 -> {
						print("d " + stream + " .");
						varve.deleteStream(stream, ExpectedVersion.exact(version));
						print("D " + stream + " " + version + " .");
					}
					case 1 -> {
						long before = 1 + random.nextInt((int) version + 1);
						print("t " + stream + " " + before + " .");
						varve.truncateBefore(stream, before);
						print("T " + stream + " " + before + " .");
					}
					default -> {
						// Kept whole.
					}
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static synchronized void print(String line) {
		try {
			record.write((line + "\n").getBytes(StandardCharsets.UTF_8));
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
		OUT.println(line);
		OUT.flush();
	}

}

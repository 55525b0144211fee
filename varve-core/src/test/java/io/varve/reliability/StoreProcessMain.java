package io.varve.reliability;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import io.varve.ExpectedVersion;
import io.varve.RecordedEvent;
import io.varve.Varve;
import io.varve.VarveBuilder;
import io.varve.core.DefaultVarve;

/**
 * A second process that uses a store on the parent test's command, one command per line
 * on stdin, one answer per line on stdout:
 * <ul>
 * <li>{@code open PATH write|read [MAX_READERS] [group]}: {@code OPENED pid}, or
 * {@code FAILED ExceptionType message}; {@code group} opens it with group access</li>
 * <li>{@code append STREAM COUNT SIZE}: {@code APPENDED head}</li>
 * <li>{@code head}: {@code HEAD head}</li>
 * <li>{@code verify}: reads the whole log, checking positions,
 * {@code VERIFIED count}</li>
 * <li>{@code hold N}: opens N read snapshots and keeps them open, {@code HELD n}</li>
 * <li>{@code release}: closes them, {@code RELEASED}</li>
 * <li>{@code read-load THREADS READS}: THREADS threads each read READS times (a slice of
 * the log and one event), {@code READ-LOAD reads failures first-failure}</li>
 * <li>{@code close}: {@code CLOSED}; {@code exit} ends the process.</li>
 * </ul>
 */
public final class StoreProcessMain {

	private static Varve varve;

	private static CountDownLatch releaseHeld = new CountDownLatch(1);

	private static final List<Thread> holders = new ArrayList<>();

	private StoreProcessMain() {
	}

	public static void main(String[] args) throws Exception {
		BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
		String line;
		while ((line = in.readLine()) != null) {
			String[] command = line.trim().split(" ");
			try {
				if (!run(command)) {
					break;
				}
			}
			catch (RuntimeException ex) {
				answer("FAILED " + ex.getClass().getSimpleName() + " " + ex.getMessage().replace('\n', ' '));
			}
		}
		System.exit(0);
	}

	private static boolean run(String[] command) throws InterruptedException {
		switch (command[0]) {
			case "open" -> {
				VarveBuilder builder = Varve.builder().path(Path.of(command[1]));
				if (command[2].equals("read")) {
					builder.readOnly();
				}
				if (command.length > 3) {
					builder.maxReaders(Integer.parseInt(command[3]));
				}
				builder.groupAccess(command.length > 4 && command[4].equals("group"));
				varve = builder.open();
				answer("OPENED " + ProcessHandle.current().pid());
			}
			case "append" -> {
				int count = Integer.parseInt(command[2]);
				int size = Integer.parseInt(command[3]);
				long head = varve.headPosition();
				for (int i = 0; i < count; i++) {
					varve.append(command[1], ExpectedVersion.any(), Filler.of(head + i + 1, size));
				}
				answer("APPENDED " + varve.headPosition());
			}
			case "head" -> answer("HEAD " + varve.headPosition());
			case "verify" -> {
				long expected = 1;
				long from = 1;
				while (true) {
					List<RecordedEvent> chunk = varve.readAll(from, 1000);
					if (chunk.isEmpty()) {
						break;
					}
					for (RecordedEvent event : chunk) {
						if (event.position() != expected) {
							throw new IllegalStateException("gap before position " + event.position());
						}
						event.dataAs(Filler.class);
						expected++;
					}
					from = expected;
				}
				answer("VERIFIED " + (expected - 1));
			}
			case "hold" -> hold(Integer.parseInt(command[1]));
			case "read-load" -> readLoad(Integer.parseInt(command[1]), Integer.parseInt(command[2]));
			case "release" -> {
				releaseHeld.countDown();
				for (Thread holder : holders) {
					holder.join();
				}
				holders.clear();
				releaseHeld = new CountDownLatch(1);
				answer("RELEASED");
			}
			case "close" -> {
				varve.close();
				answer("CLOSED");
			}
			case "exit" -> {
				return false;
			}
			default -> answer("FAILED UnknownCommand " + command[0]);
		}
		return true;
	}

	private static void hold(int count) throws InterruptedException {
		CountDownLatch opened = new CountDownLatch(count);
		CountDownLatch release = releaseHeld;
		for (int i = 0; i < count; i++) {
			Thread holder = new Thread(() -> ((DefaultVarve) varve).read((txn) -> {
				txn.headPosition();
				opened.countDown();
				try {
					release.await();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				return null;
			}));
			holder.start();
			holders.add(holder);
		}
		opened.await();
		answer("HELD " + count);
	}

	private static void readLoad(int threads, int reads) throws InterruptedException {
		ReadLoad load = ReadLoad.run(varve, threads, reads);
		answer("READ-LOAD " + load.reads() + " " + load.failures().size() + " "
				+ (load.failures().isEmpty() ? "-" : load.failures().get(0).toString().replace('\n', ' ')));
	}

	private static void answer(String text) {
		System.out.println(text);
		System.out.flush();
	}

}

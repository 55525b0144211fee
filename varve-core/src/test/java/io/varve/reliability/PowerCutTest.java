package io.varve.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.varve.AppendResult;
import io.varve.Durability;
import io.varve.EventData;
import io.varve.ExpectedVersion;
import io.varve.RecordedEvent;
import io.varve.Varve;
import io.varve.core.verify.StoreCheck;
import io.varve.core.durability.Flushes;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Power cuts, simulated: a flush observer keeps, for every file of a store, what it held
 * when its last flush began (what a power cut cannot take). At random moments while one
 * thread appends (and, in the second test, four at once), the store's files are composed
 * as a power cut could leave them: the flushed content, with each 512-byte sector written
 * since taken or not at random, and now and then torn. That image is opened as a store;
 * every acknowledged event must be back byte for byte, nothing of an unacknowledged
 * append may be there in part, and positions must be gapless. Runs {@value #DEFAULT_CUTS}
 * cuts by default ({@code -Dvarve.powercut.cuts=N} for more).
 */
class PowerCutTest {

	static final int DEFAULT_CUTS = 1000;

	static final int CONCURRENT_CUTS = 1000;

	private static final int SECTOR = 512;

	@TempDir
	Path dir;

	record Noted(String text, long n) {
	}

	@AfterEach
	void stopObserving() {
		Flushes.observe(null);
	}

	@Test
	void afterEveryPowerCutEveryAcknowledgedEventIsBackAndNoAppendIsHalfThere() throws Exception {
		int cuts = Integer.getInteger("varve.powercut.cuts", DEFAULT_CUTS);
		long seed = Long.getLong("varve.powercut.seed", System.nanoTime());
		Path store = this.dir.resolve("store");
		Harness harness = observe(store, seed, cuts);
		Path images = harness.images;
		Random appends = new Random(seed + 1);
		try (Varve varve = Varve.builder().path(store).preallocate(false).eventTypes(Noted.class).open()) {
			harness.active = true;
			long n = 0;
			for (int append = 0; harness.taken < cuts && append < cuts * 3; append++) {
				// Now and then a group larger than a journal segment ahead of the writer.
				boolean large = append % 97 == 96;
				int count = large ? 1300 : 1 + appends.nextInt(3);
				List<EventData> events = new ArrayList<>();
				for (int i = 0; i < count; i++) {
					events.add(EventData
						.of(new Noted("note " + n + " " + "x".repeat(large ? 1000 : appends.nextInt(400)), n++))
						.withId(UUID.randomUUID()));
				}
				harness.inFlight = count;
				varve.append("note-" + appends.nextInt(20), ExpectedVersion.any(), events);
				harness.acknowledged(varve, count);
			}
			harness.active = false;
		}
		finally {
			Flushes.observe(null);
			delete(images);
		}
		assertThat(harness.failures).as("seed %d", seed).isEmpty();
		assertThat(harness.taken).as("cuts taken (seed %d)", seed).isGreaterThanOrEqualTo(cuts);
	}

	/**
	 * The same cuts while several threads append at once: the writer thread then commits
	 * groups of several callers' appends into its batch, each group's journal record
	 * flushed before its callers are woken, so a cut may come while a group of appends in
	 * flight is written but not flushed, and while acknowledged groups are in the journal
	 * and not yet in the data file. Every event acknowledged before the cut must be back
	 * byte for byte; any other event must belong to an append in flight at the cut, and
	 * come back with all of that append's events. {@value #CONCURRENT_CUTS} cuts by
	 * default ({@code -Dvarve.powercut.concurrent-cuts=N} for more).
	 */
	@Test
	void afterEveryPowerCutWhileSeveralThreadsAppendEveryAcknowledgedEventIsBackAndNoAppendIsHalfThere()
			throws Exception {
		int cuts = Integer.getInteger("varve.powercut.concurrent-cuts", CONCURRENT_CUTS);
		long seed = Long.getLong("varve.powercut.seed", System.nanoTime());
		Path store = this.dir.resolve("store");
		Harness harness = observe(store, seed, cuts);
		harness.concurrent = true;
		Path images = harness.images;
		AtomicLong n = new AtomicLong();
		List<Throwable> appendFailures = Collections.synchronizedList(new ArrayList<>());
		try (Varve varve = Varve.builder().path(store).preallocate(false).eventTypes(Noted.class).open()) {
			harness.active = true;
			List<Thread> threads = new ArrayList<>();
			for (int t = 0; t < 4; t++) {
				Random appends = new Random(seed + 1 + t);
				Thread thread = new Thread(() -> {
					try {
						for (int append = 0; harness.taken() < cuts && append < cuts * 3; append++) {
							int count = 1 + appends.nextInt(3);
							List<EventData> events = new ArrayList<>();
							for (int i = 0; i < count; i++) {
								events.add(EventData
									.of(new Noted("note " + "x".repeat(appends.nextInt(400)), n.incrementAndGet()))
									.withId(UUID.randomUUID()));
							}
							List<UUID> ids = harness.inFlight(events);
							AppendResult result = varve.append("note-" + appends.nextInt(20), ExpectedVersion.any(),
									events);
							harness.acknowledged(varve, ids, result);
						}
					}
					catch (Throwable ex) {
						appendFailures.add(ex);
					}
				});
				thread.start();
				threads.add(thread);
			}
			for (Thread thread : threads) {
				thread.join();
			}
			harness.active = false;
		}
		finally {
			Flushes.observe(null);
			delete(images);
		}
		assertThat(appendFailures).as("appends (seed %d)", seed).isEmpty();
		assertThat(harness.failures).as("seed %d", seed).isEmpty();
		assertThat(harness.taken).as("cuts taken (seed %d)", seed).isGreaterThanOrEqualTo(cuts);
		// (About two cuts in three here bring back events of appends then in flight.)
		assertThat(harness.inFlightBack).as("cuts that brought back appends in flight (seed %d)", seed).isPositive();
	}

	/**
	 * Starts observing flushes with a new harness, whose images go to memory where there
	 * is a {@code /dev/shm}.
	 */
	private Harness observe(Path store, long seed, int cuts) throws IOException {
		Path images = Files.isDirectory(Path.of("/dev/shm")) ? Files.createTempDirectory(Path.of("/dev/shm"), "cuts")
				: this.dir.resolve("cuts");
		Files.createDirectories(images);
		Harness harness = new Harness(store, images, new Random(seed), cuts);
		Flushes.observe(harness);
		return harness;
	}

	/** Keeps the flushed content of every file and takes cuts. */
	static final class Harness implements Flushes.Observer {

		private final Path store;

		private final Path images;

		private final Random random;

		private final int wanted;

		private final Map<Path, byte[]> pending = new HashMap<>();

		private final Map<Path, byte[]> flushed = new HashMap<>();

		/** Envelopes of the acknowledged events, in position order. */
		private final List<byte[]> expected = new ArrayList<>();

		final List<String> failures = new ArrayList<>();

		volatile boolean active;

		/** Events in the append being made. */
		volatile int inFlight;

		int taken;

		private boolean cutting;

		/** Whether several threads append (see the concurrent test). */
		boolean concurrent;

		/** Concurrent: the envelopes of the events acknowledged, by event id. */
		private final Map<UUID, byte[]> acknowledgedById = new HashMap<>();

		/** Concurrent: cuts that brought back events of an append in flight. */
		int inFlightBack;

		/** Concurrent: for each event of an append in flight, the ids of that append. */
		private final Map<UUID, List<UUID>> inFlightById = new HashMap<>();

		Harness(Path store, Path images, Random random, int wanted) {
			this.store = store;
			this.images = images;
			this.random = random;
			this.wanted = wanted;
		}

		synchronized int taken() {
			return this.taken;
		}

		/**
		 * Concurrent: an append is about to be made.
		 * @return its event ids, for {@link #acknowledged(Varve, List, AppendResult)}
		 */
		synchronized List<UUID> inFlight(List<EventData> events) {
			List<UUID> ids = events.stream().map(EventData::id).toList();
			for (UUID id : ids) {
				this.inFlightById.put(id, ids);
			}
			return ids;
		}

		/**
		 * Concurrent: an append returned. Its events are read outside the harness's lock
		 * (a read may wait for the writer, which may be in a flush, waiting for this
		 * lock); until they are recorded, the append counts as in flight.
		 */
		void acknowledged(Varve varve, List<UUID> ids, AppendResult result) {
			Map<UUID, byte[]> read = new HashMap<>();
			for (long position = result.firstPosition(); position <= result.lastPosition(); position++) {
				RecordedEvent event = varve.readEvent(position).orElseThrow();
				read.put(event.id(), event.envelope());
			}
			synchronized (this) {
				this.acknowledgedById.putAll(read);
				for (UUID id : ids) {
					this.inFlightById.remove(id);
				}
			}
		}

		synchronized void acknowledged(Varve varve, int count) {
			long head = varve.headPosition();
			for (long position = head - count + 1; position <= head; position++) {
				this.expected.add(varve.readEvent(position).orElseThrow().envelope());
			}
		}

		@Override
		public synchronized void beforeFlush(Path file) {
			if (!file.startsWith(this.store) || this.cutting) {
				return;
			}
			if (this.active && this.taken < this.wanted && this.random.nextInt(10) < 9) {
				this.cutting = true;
				try {
					cut();
				}
				finally {
					this.cutting = false;
				}
			}
			this.pending.put(file, read(file));
		}

		@Override
		public synchronized void afterFlush(Path file) {
			byte[] content = this.pending.remove(file);
			if (content != null && file.startsWith(this.store)) {
				this.flushed.put(file, content);
			}
		}

		private void cut() {
			int acknowledged = this.concurrent ? this.acknowledgedById.size() : this.expected.size();
			Path image = this.images.resolve("cut-" + this.taken);
			this.taken++;
			try {
				Files.createDirectories(image);
				Files.setPosixFilePermissions(image, PosixFilePermissions.fromString("rwx------"));
				try (Stream<Path> files = Files.list(this.store)) {
					for (Path file : files.toList()) {
						String name = file.getFileName().toString();
						if (name.equals("data.mdb") || name.equals("checkpoint") || name.startsWith("journal-")) {
							byte[] after = compose(this.flushed.get(file), read(file));
							if (after != null) {
								Path copy = Files.write(image.resolve(name), after);
								Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-------"));
							}
						}
					}
				}
				verify(image, acknowledged);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			finally {
				delete(image);
			}
		}

		/**
		 * What a power cut leaves of a file: its flushed content and some of what came
		 * since.
		 */
		private byte[] compose(byte[] base, byte[] now) {
			if (base == null && this.random.nextBoolean()) {
				return null;
			}
			byte[] before = (base != null) ? base : new byte[0];
			int length = (before.length == now.length || this.random.nextBoolean()) ? now.length : before.length;
			byte[] result = Arrays.copyOf(before, length);
			for (int at = 0; at < length; at += SECTOR) {
				int end = Math.min(length, at + SECTOR);
				boolean differs = false;
				for (int i = at; i < end && !differs; i++) {
					differs = byteAt(before, i) != byteAt(now, i);
				}
				if (!differs) {
					continue;
				}
				int choice = this.random.nextInt(20);
				int until = (choice < 9) ? end : (choice < 18) ? at : at + this.random.nextInt(end - at);
				for (int i = at; i < until; i++) {
					result[i] = byteAt(now, i);
				}
			}
			return result;
		}

		/**
		 * Opens what the cut left and checks it. Every other cut is opened with
		 * {@code NO_SYNC}, which must still put the store back and replay the journal the
		 * durable run left before it writes without one; such an image is then opened
		 * once more and must hold the same events.
		 */
		private void verify(Path image, int acknowledged) {
			boolean relaxed = this.taken % 2 == 0;
			int found = verify(image, acknowledged, relaxed ? Durability.NO_SYNC : Durability.SYNC);
			if (relaxed && found >= 0) {
				try (Varve again = Varve.open(image)) {
					long count = again.scanAll(0, io.varve.EventFilter.all()).count();
					if (count != found) {
						this.failures.add("cut " + (this.taken - 1) + ": " + found + " events after the NO_SYNC open, "
								+ count + " when opened again");
					}
				}
				catch (RuntimeException ex) {
					this.failures.add("cut " + (this.taken - 1) + ", opened again after NO_SYNC: " + ex);
				}
			}
		}

		private int verify(Path image, int acknowledged, Durability durability) {
			try (Varve reopened = Varve.builder().path(image).durability(durability).open()) {
				List<RecordedEvent> events = new ArrayList<>();
				reopened.scanAll(0, io.varve.EventFilter.all()).forEach(events::add);
				String where = "cut " + (this.taken - 1) + " with " + acknowledged + " acknowledged events (opened "
						+ durability + ")";
				// Every invariant, as the varve verify command checks it.
				StoreCheck.Report check = StoreCheck.run(reopened);
				if (!check.ok()) {
					this.failures.add(where + ": varve verify finds " + check.breaches());
					return -1;
				}
				if (events.size() < acknowledged) {
					this.failures.add(where + ": only " + events.size() + " events came back");
					return -1;
				}
				for (int i = 0; i < events.size(); i++) {
					RecordedEvent event = events.get(i);
					if (event.position() != i + 1) {
						this.failures.add(where + ": event " + i + " has position " + event.position());
						return -1;
					}
				}
				if (this.concurrent) {
					return verifyConcurrent(events, where);
				}
				for (int i = 0; i < acknowledged; i++) {
					if (!Arrays.equals(events.get(i).envelope(), this.expected.get(i))) {
						this.failures.add(where + ": the event at position " + (i + 1) + " changed");
						return -1;
					}
				}
				int extra = events.size() - acknowledged;
				if (extra != 0 && extra != this.inFlight) {
					this.failures.add(where + ": " + extra + " events beyond them, but the append in flight has "
							+ this.inFlight);
				}
				if (extra > 0) {
					// The append in flight: whole (its events decode) or not at all.
					for (int i = acknowledged; i < events.size(); i++) {
						events.get(i).dataAs(Noted.class);
					}
				}
				return events.size();
			}
			catch (RuntimeException ex) {
				this.failures.add("cut " + (this.taken - 1) + " (opened " + durability + "): " + ex);
				return -1;
			}
		}

		/**
		 * Every acknowledged event back byte for byte, any other one from an append in
		 * flight that came back whole (positions are checked gapless before).
		 */
		private int verifyConcurrent(List<RecordedEvent> events, String where) {
			Map<UUID, RecordedEvent> found = new HashMap<>();
			for (RecordedEvent event : events) {
				found.put(event.id(), event);
			}
			for (Map.Entry<UUID, byte[]> entry : this.acknowledgedById.entrySet()) {
				RecordedEvent event = found.get(entry.getKey());
				if (event == null || !Arrays.equals(event.envelope(), entry.getValue())) {
					this.failures.add(where + ": acknowledged event " + entry.getKey()
							+ ((event == null) ? " is missing" : " changed"));
					return -1;
				}
			}
			boolean inFlightSeen = false;
			for (RecordedEvent event : events) {
				if (this.acknowledgedById.containsKey(event.id())) {
					continue;
				}
				inFlightSeen = true;
				List<UUID> append = this.inFlightById.get(event.id());
				if (append == null) {
					this.failures.add(where + ": event " + event.id() + " at " + event.position()
							+ " was neither acknowledged nor in flight");
					return -1;
				}
				if (!found.keySet().containsAll(append)) {
					this.failures
						.add(where + ": only part of the append in flight with " + append.size() + " events came back");
					return -1;
				}
				event.dataAs(Noted.class);
			}
			if (inFlightSeen) {
				this.inFlightBack++;
			}
			return events.size();
		}

		private static byte byteAt(byte[] bytes, int i) {
			return (i < bytes.length) ? bytes[i] : 0;
		}

		private static byte[] read(Path file) {
			try {
				return Files.readAllBytes(file);
			}
			catch (IOException ex) {
				return new byte[0];
			}
		}

	}

	static void delete(Path directory) {
		if (!Files.exists(directory)) {
			return;
		}
		try (Stream<Path> files = Files.walk(directory)) {
			files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach((file) -> {
				try {
					Files.deleteIfExists(file);
				}
				catch (IOException ex) {
					throw new UncheckedIOException(ex);
				}
			});
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}

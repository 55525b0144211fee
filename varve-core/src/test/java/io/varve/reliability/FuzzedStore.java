package io.varve.reliability;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;

import io.varve.Durability;
import io.varve.EventData;
import io.varve.EventType;
import io.varve.ExpectedVersion;
import io.varve.Varve;
import io.varve.processor.ErrorPolicy;
import io.varve.processor.EventHandler;
import io.varve.processor.ProcessorDefinition;
import io.varve.processor.RetryPolicy;

/**
 * The store {@link CorruptionFuzzTest} damages: every event in it can be predicted from
 * its position alone, so that a reader knows the right answer to every read, and a
 * processor has handled half of it, with projection entries and parked events. And the
 * damage itself: seeded, past the two meta pages.
 */
final class FuzzedStore {

	static final int EVENTS = 1600;

	static final int STREAMS = 7;

	static final String PROCESSOR = "fuzz-audit";

	/** The processor parks the events at multiples of this. */
	static final int PARK_EVERY = 487;

	static final List<Planned> PLAN = plan();

	private FuzzedStore() {
	}

	/** The event, derived from its position. */
	@EventType("fuzz-sample")
	record Sample(long position, String text) {

		static Sample at(long position) {
			SplittableRandom random = new SplittableRandom(position * 0x9E3779B97F4A7C15L);
			int length = (position % 11 == 0) ? 2500 + random.nextInt(4000) : 20 + random.nextInt(300);
			StringBuilder text = new StringBuilder(length);
			for (int i = 0; i < length; i++) {
				text.append((char) ('a' + random.nextInt(26)));
			}
			return new Sample(position, text.toString());
		}

	}

	/** Where an event goes and what it carries, decided by its position. */
	record Planned(long position, String stream, long version, int batch) {

		UUID id() {
			return new UUID(0x7000_0000_0000_0000L | this.position, this.position * 31);
		}

		boolean hasMetadata() {
			return this.position % 3 == 0;
		}

		UUID correlationId() {
			return (this.position % 5 == 0) ? new UUID(this.position, 5) : null;
		}

		EventData data() {
			EventData data = EventData.of(Sample.at(this.position)).withId(id());
			if (hasMetadata()) {
				data = data.withMetadata(Map.of("p", this.position));
			}
			UUID correlation = correlationId();
			return (correlation != null) ? data.withCorrelationId(correlation) : data;
		}

	}

	private static List<Planned> plan() {
		SplittableRandom random = new SplittableRandom(20261126L);
		long[] versions = new long[STREAMS];
		List<Planned> plan = new ArrayList<>(EVENTS);
		int batch = 0;
		while (plan.size() < EVENTS) {
			int stream = random.nextInt(STREAMS);
			int size = Math.min(1 + random.nextInt(6), EVENTS - plan.size());
			for (int i = 0; i < size; i++) {
				plan.add(new Planned(plan.size() + 1, "fuzz-" + stream, ++versions[stream], batch));
			}
			batch++;
		}
		return plan;
	}

	static Varve open(Path store) {
		return Varve.builder().path(store).preallocate(false).eventTypes(Sample.class).open();
	}

	/**
	 * Writes the pristine store: the planned events, and a processor that handled the
	 * first half (with projection entries and parked events).
	 */
	static void build(Path store) throws InterruptedException {
		// Written without the journal, so that each group is one LMDB commit and
		// the file's layout is the same in every run (with the journal, groups share
		// LMDB commits in batches whose boundaries depend on timing): a seed then
		// names the same damage. The copies are opened with the default durability.
		try (Varve varve = Varve.builder()
			.path(store)
			.preallocate(false)
			.durability(Durability.NO_SYNC)
			.eventTypes(Sample.class)
			.open()) {
			int half = EVENTS / 2;
			appendPlanned(varve, 0, half);
			varve.processors().register(processor((event, context) -> {
			}));
			varve.processors().start(PROCESSOR);
			varve.processors().awaitProcessed(PROCESSOR, half, Duration.ofSeconds(60));
			varve.processors().stop(PROCESSOR);
			appendPlanned(varve, half, EVENTS);
		}
	}

	private static void appendPlanned(Varve varve, int from, int to) {
		int i = from;
		while (i < to) {
			Planned first = PLAN.get(i);
			List<EventData> batch = new ArrayList<>();
			while (i < to && PLAN.get(i).batch() == first.batch()) {
				batch.add(PLAN.get(i).data());
				i++;
			}
			varve.append(first.stream(), ExpectedVersion.exact(first.version() - 1), batch);
		}
	}

	/**
	 * Projects each event's position by stream, and parks every {@value #PARK_EVERY}th
	 * event.
	 */
	static ProcessorDefinition processor(EventHandler extra) {
		return ProcessorDefinition.builder(PROCESSOR)
			.errorPolicy(ErrorPolicy.PARK)
			.retryPolicy(RetryPolicy.none())
			.handler((event, context) -> {
				if (event.position() % PARK_EVERY == 0) {
					throw new IllegalStateException("parked on purpose");
				}
				context.projections().put(PROCESSOR, event.stream(), event.position());
				extra.handle(event, context);
			})
			.build();
	}

	/** The planned events of one stream, in version order. */
	static List<Planned> of(String stream) {
		return PLAN.stream().filter((planned) -> planned.stream().equals(stream)).toList();
	}

	/**
	 * Copies the store and damages the copy's data file past its two meta pages.
	 * @return what was done, for the report
	 */
	static String damage(Path pristine, Path store, SplittableRandom random) throws IOException {
		Files.createDirectories(store);
		Path file = store.resolve("data.mdb");
		Files.copy(pristine.resolve("data.mdb"), file, StandardCopyOption.REPLACE_EXISTING);
		int pageSize = 4096;
		long pages = Files.size(file) / pageSize;
		StringBuilder done = new StringBuilder();
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
			int kind = random.nextInt(5);
			int hits = (kind == 0) ? 1 + random.nextInt(8) : 1;
			for (int h = 0; h < hits; h++) {
				long page = 2 + random.nextLong(pages - 2);
				int length = switch (kind) {
					case 0 -> 1;
					case 1 -> 2 + random.nextInt(63);
					default -> pageSize;
				};
				long offset = page * pageSize + ((length < pageSize) ? random.nextInt(pageSize - length + 1) : 0);
				byte[] bytes = new byte[length];
				switch (kind) {
					case 2 -> {
						// a zeroed page
					}
					case 3 -> {
						long other = 2 + random.nextLong(pages - 2);
						channel.read(ByteBuffer.wrap(bytes), other * pageSize);
					}
					default -> random.nextBytes(bytes);
				}
				channel.write(ByteBuffer.wrap(bytes), offset);
				done.append(h == 0 ? "" : ",")
					.append(new String[] { "bytes", "run", "zero-page", "copied-page", "random-page" }[kind])
					.append('@')
					.append(offset)
					.append('+')
					.append(length);
			}
		}
		return done.toString();
	}

}

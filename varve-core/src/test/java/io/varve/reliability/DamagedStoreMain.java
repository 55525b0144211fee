package io.varve.reliability;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import io.varve.EventFilter;
import io.varve.RecordedEvent;
import io.varve.StreamInfo;
import io.varve.Varve;
import io.varve.VarveException;
import io.varve.processor.ProcessorState;
import io.varve.processor.ProcessorStatus;
import io.varve.reliability.FuzzedStore.Planned;
import io.varve.reliability.FuzzedStore.Sample;

import static io.varve.reliability.FuzzedStore.EVENTS;
import static io.varve.reliability.FuzzedStore.PARK_EVERY;
import static io.varve.reliability.FuzzedStore.PLAN;
import static io.varve.reliability.FuzzedStore.PROCESSOR;
import static io.varve.reliability.FuzzedStore.STREAMS;

/**
 * The child of {@link CorruptionFuzzTest}: damages copies of a store and reads each one
 * every way there is, in its own JVM so that a crash inside LMDB cannot take the test
 * with it. Every read's outcome is one line:
 * {@code OP case read OK|TYPED type message|WRONG detail|INCONSISTENT detail|UNTYPED type message},
 * between {@code CASE n START} and {@code CASE n END}.
 *
 * <p>
 * Arguments: pristine store ({@link FuzzedStore#build}), work directory, seed, first
 * case, end case (exclusive).
 */
public final class DamagedStoreMain {

	private static final PrintStream OUT = new PrintStream(new FileOutputStream(FileDescriptor.out), true,
			StandardCharsets.UTF_8);

	private final int caseNumber;

	private DamagedStoreMain(int caseNumber) {
		this.caseNumber = caseNumber;
	}

	public static void main(String[] args) throws Exception {
		Path pristine = Path.of(args[0]);
		Path work = Path.of(args[1]);
		long seed = Long.parseLong(args[2]);
		int from = Integer.parseInt(args[3]);
		int to = Integer.parseInt(args[4]);
		for (int n = from; n < to; n++) {
			print("CASE " + n + " START");
			Path store = work.resolve("case-" + n);
			String damage = FuzzedStore.damage(pristine, store, new SplittableRandom(seed + 1_000_003L * n));
			print("CASE " + n + " DAMAGE " + damage);
			new DamagedStoreMain(n).readEverything(store);
			deleteTree(store);
			print("CASE " + n + " END");
		}
		System.exit(0);
	}

	private void readEverything(Path store) {
		Varve varve;
		try {
			varve = FuzzedStore.open(store);
			report("open", "OK");
		}
		catch (Throwable ex) {
			report("open", classify(ex));
			return;
		}
		try {
			check("head", () -> expect(varve.headPosition() == EVENTS, "head " + varve.headPosition()));
			check("streamCount", () -> expect(varve.streamCount() == STREAMS, "streams " + varve.streamCount()));
			check("storeInfo", () -> expect(varve.storeInfo().usedBytes() > 0, "storeInfo used bytes"));
			check("readAll", () -> readAll(varve, EventFilter.all()));
			check("readAll-filtered", () -> readAll(varve, EventFilter.categories("fuzz")));
			check("scanAll", () -> scanAll(varve));
			for (int s = 0; s < STREAMS; s++) {
				String stream = "fuzz-" + s;
				check("readStream " + stream, () -> readStream(varve, stream));
				check("readStreamBackward " + stream, () -> readStreamBackward(varve, stream));
				check("scanStream " + stream, () -> scanStream(varve, stream));
				check("streamInfo " + stream, () -> streamInfo(varve, stream));
			}
			check("listStreams", () -> listStreams(varve));
			check("readEvent", () -> {
				for (long p = 1; p <= EVENTS; p += 7) {
					Optional<RecordedEvent> event = varve.readEvent(p);
					expect(event.isPresent(), "no event at " + p);
					verify(event.get(), p);
				}
				expect(varve.readEvent(EVENTS + 1).isEmpty(), "an event past the head");
			});
			check("processor", () -> processor(varve));
		}
		finally {
			try {
				varve.close();
				report("close", "OK");
			}
			catch (Throwable ex) {
				report("close", classify(ex));
			}
		}
	}

	private void readAll(Varve varve, EventFilter filter) {
		long next = 1;
		while (true) {
			List<RecordedEvent> chunk = varve.readAll(next, 500, filter);
			if (chunk.isEmpty()) {
				break;
			}
			for (RecordedEvent event : chunk) {
				for (; next < event.position(); next++) {
					filteredOut(varve, next);
				}
				verify(event, next++);
			}
		}
		for (; next <= EVENTS; next++) {
			filteredOut(varve, next);
		}
	}

	/**
	 * Explains an event a filtered read left out: only damage to its stream or type name,
	 * which nothing but a checksum can tell from a real name, may do that.
	 */
	private static void filteredOut(Varve varve, long position) {
		RecordedEvent event = varve.readEvent(position).orElseThrow(() -> new Inconsistent("no event at " + position));
		Planned planned = PLAN.get((int) position - 1);
		if (event.stream().equals(planned.stream()) && event.type().equals("fuzz-sample")) {
			throw new Inconsistent("a filtered read left out the event at " + position);
		}
		throw new Wrong("the event at " + position + " has a damaged stream or type name");
	}

	private void scanAll(Varve varve) {
		long[] next = { 1 };
		try (Stream<RecordedEvent> events = varve.scanAll(0, EventFilter.all())) {
			events.forEach((event) -> verify(event, next[0]++));
		}
		expect(next[0] == EVENTS + 1, "scanAll ended at " + (next[0] - 1));
	}

	private void readStream(Varve varve, String stream) {
		requireHead(varve, stream);
		List<Planned> expected = FuzzedStore.of(stream);
		long version = 1;
		while (true) {
			List<RecordedEvent> chunk = varve.readStream(stream, version, 100);
			if (chunk.isEmpty()) {
				break;
			}
			for (RecordedEvent event : chunk) {
				expect(version <= expected.size(), "more events than written in " + stream);
				verify(event, expected.get((int) version - 1).position(), true);
				version++;
			}
		}
		expect(version == expected.size() + 1, stream + " read to version " + (version - 1));
	}

	private void readStreamBackward(Varve varve, String stream) {
		requireHead(varve, stream);
		List<Planned> expected = FuzzedStore.of(stream);
		long version = expected.size();
		while (version >= 1) {
			List<RecordedEvent> chunk = varve.readStreamBackward(stream, version, 64);
			expect(!chunk.isEmpty(), stream + " backward stopped at " + version);
			for (RecordedEvent event : chunk) {
				verify(event, expected.get((int) version - 1).position(), true);
				version--;
			}
		}
	}

	private void scanStream(Varve varve, String stream) {
		requireHead(varve, stream);
		List<Planned> expected = FuzzedStore.of(stream);
		int[] index = { 0 };
		try (Stream<RecordedEvent> events = varve.scanStream(stream, 1)) {
			events.forEach((event) -> {
				expect(index[0] < expected.size(), "more events than written in " + stream);
				verify(event, expected.get(index[0]++).position(), true);
			});
		}
		expect(index[0] == expected.size(), stream + " scanned " + index[0]);
	}

	private void streamInfo(Varve varve, String stream) {
		requireHead(varve, stream);
		List<Planned> expected = FuzzedStore.of(stream);
		Optional<StreamInfo> info = varve.streamInfo(stream);
		expect(info.isPresent(), "no head record of " + stream);
		expect(info.get().version() == expected.size(), stream + " at version " + info.get().version());
		expect(info.get().firstPosition() == expected.get(0).position(), stream + " first position");
		expect(info.get().lastPosition() == expected.get(expected.size() - 1).position(), stream + " last position");
	}

	/**
	 * A stream whose head record is gone cannot be told from one that never existed,
	 * short of a checksum over the table that held it.
	 */
	private static void requireHead(Varve varve, String stream) {
		if (varve.streamInfo(stream).isEmpty()) {
			throw new Wrong("the head record of " + stream + " is gone");
		}
	}

	private void listStreams(Varve varve) {
		for (int s = 0; s < STREAMS; s++) {
			requireHead(varve, "fuzz-" + s);
		}
		List<StreamInfo> listed = varve.listStreams("", null, 100);
		expect(listed.size() == STREAMS, "listed " + listed.size() + " streams");
		for (int s = 0; s < STREAMS; s++) {
			expect(listed.get(s).stream().equals("fuzz-" + s), "listed " + listed.get(s).stream());
		}
		expect(varve.listStreams("fuzz-3", null, 10).size() == 1, "prefix listing");
	}

	private void processor(Varve varve) throws Throwable {
		// Kept rather than thrown: a throwing handler would only park the event.
		AtomicReference<Throwable> problem = new AtomicReference<>();
		varve.processors().register(FuzzedStore.processor((event, context) -> {
			try {
				verify(event, event.position());
			}
			catch (Throwable ex) {
				problem.compareAndSet(null, ex);
			}
		}));
		varve.processors().start(PROCESSOR);
		long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
		ProcessorStatus status = varve.processors().status(PROCESSOR);
		while (status.state() != ProcessorState.FAILED && status.checkpoint() < EVENTS
				&& System.nanoTime() < deadline) {
			Thread.sleep(5);
			status = varve.processors().status(PROCESSOR);
		}
		varve.processors().stop(PROCESSOR);
		status = varve.processors().status(PROCESSOR);
		if (status.state() == ProcessorState.FAILED) {
			// A read error or an event that failed its checks: the error must be typed.
			String type = status.lastError().errorType();
			throw new ProcessorFailed(type, status.lastError().message());
		}
		if (problem.get() != null) {
			throw problem.get();
		}
		expect(status.checkpoint() == EVENTS, "processor stopped at " + status.checkpoint());
		expect(status.parkedCount() == EVENTS / PARK_EVERY, "parked " + status.parkedCount());
		expect(varve.processors().parked(PROCESSOR).size() == EVENTS / PARK_EVERY, "parked list");
		for (int s = 0; s < STREAMS; s++) {
			String stream = "fuzz-" + s;
			long last = PLAN.stream()
				.filter((p) -> p.stream().equals(stream) && p.position() % PARK_EVERY != 0)
				.mapToLong(Planned::position)
				.max()
				.orElseThrow();
			Optional<Long> projected = varve.processors().projections().get(PROCESSOR, stream, Long.class);
			expect(projected.isPresent() && projected.get() == last, "projection of " + stream);
		}
	}

	/** Checks an event read from the log where {@code position} was expected. */
	private static void verify(RecordedEvent event, long position) {
		verify(event, position, false);
	}

	/**
	 * Checks an event read where {@code position} was expected. Its position is checked
	 * against the log key it was found under, and read through its stream, its stream and
	 * version against the stream's: a mismatch there is a bug. Anything else that differs
	 * is damage to the envelope's own bytes, which only a checksum could find.
	 */
	private static void verify(RecordedEvent event, long position, boolean throughStream) {
		Planned planned = PLAN.get((int) position - 1);
		boolean placed = event.stream().equals(planned.stream()) && event.version() == planned.version();
		if (event.position() != position || (throughStream && !placed)) {
			throw new Inconsistent("expected " + planned.stream() + "@" + planned.version() + " at " + position
					+ ", read " + event.stream() + "@" + event.version() + " at " + event.position());
		}
		if (!placed || !event.id().equals(planned.id()) || !event.type().equals("fuzz-sample")
				|| !Sample.at(position).equals(event.dataAs(Sample.class))
				|| event.hasMetadata() != planned.hasMetadata()
				|| (planned.hasMetadata() && !Long.valueOf(position).equals(toLong(event.metadata().get("p"))))
				|| !java.util.Objects.equals(event.correlationId(), planned.correlationId())) {
			throw new Wrong("event at " + position + " differs from what was written");
		}
	}

	private static Long toLong(Object value) {
		return (value instanceof Number number) ? number.longValue() : null;
	}

	private static void expect(boolean condition, String otherwise) {
		if (!condition) {
			throw new Inconsistent(otherwise);
		}
	}

	private void check(String read, Check check) {
		try {
			check.run();
			report(read, "OK");
		}
		catch (Throwable ex) {
			report(read, classify(ex));
		}
	}

	private static String classify(Throwable ex) {
		if (ex instanceof Wrong) {
			return "WRONG " + ex.getMessage();
		}
		if (ex instanceof Inconsistent) {
			return "INCONSISTENT " + ex.getMessage();
		}
		if (ex instanceof ProcessorFailed failed) {
			return (failed.type.startsWith("io.varve.") ? "TYPED " : "UNTYPED ") + failed.type + " "
					+ oneLine(failed.getMessage());
		}
		if (ex instanceof VarveException) {
			return "TYPED " + ex.getClass().getName() + " " + oneLine(ex.getMessage());
		}
		StringBuilder where = new StringBuilder();
		StackTraceElement[] trace = ex.getStackTrace();
		for (int i = 0; i < Math.min(6, trace.length); i++) {
			where.append(" at ").append(trace[i]);
		}
		return "UNTYPED " + ex.getClass().getName() + " " + oneLine(String.valueOf(ex.getMessage())) + where;
	}

	private static String oneLine(String text) {
		String line = (text == null) ? "" : text.replace('\n', ' ').replace('\r', ' ');
		return (line.length() > 400) ? line.substring(0, 400) + "..." : line;
	}

	private void report(String read, String outcome) {
		print("OP " + this.caseNumber + " " + read.replace(' ', '/') + " " + outcome);
	}

	private static void print(String line) {
		synchronized (OUT) {
			OUT.println(line);
		}
	}

	private static void deleteTree(Path directory) throws IOException {
		try (Stream<Path> paths = Files.walk(directory)) {
			for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
				Files.deleteIfExists(path);
			}
		}
	}

	@FunctionalInterface
	private interface Check {

		void run() throws Throwable;

	}

	/** Data that decoded but is not what was written: undetectable without checksums. */
	private static final class Wrong extends RuntimeException {

		private static final long serialVersionUID = 1L;

		Wrong(String message) {
			super(message, null, false, false);
		}

	}

	/** A read that contradicts the store's own structure: detectable, so a bug. */
	private static final class Inconsistent extends RuntimeException {

		private static final long serialVersionUID = 1L;

		Inconsistent(String message) {
			super(message, null, false, false);
		}

	}

	private static final class ProcessorFailed extends RuntimeException {

		private static final long serialVersionUID = 1L;

		private final String type;

		ProcessorFailed(String type, String message) {
			super(message, null, false, false);
			this.type = type;
		}

	}

}

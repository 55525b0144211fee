package io.varve.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.agrona.DirectBuffer;
import org.lmdbjava.Cursor;
import org.lmdbjava.Dbi;
import org.lmdbjava.DirectBufferProxy;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;
import org.lmdbjava.Txn;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import io.varve.Durability;
import io.varve.EventData;
import io.varve.EventType;
import io.varve.ExpectedVersion;
import io.varve.RecordedEvent;
import io.varve.Varve;
import io.varve.core.codec.EventTypeRegistry;
import io.varve.core.codec.PayloadCodec;
import io.varve.core.read.StoredEvent;
import io.varve.processor.ProcessorDefinition;
import io.varve.processor.ProcessorRegistry;

/**
 * A processor catching up over a backlog of 1M events, next to a raw lmdbjava cursor scan
 * of the same log that does the same per-event work: copy the envelope into a
 * {@link RecordedEvent} (which checks its structure) and read its position, plus, with
 * {@code decode=true}, decode the Smile payload. Each measures events per second; the
 * processor's includes its thread, batched snapshots and checkpoint commits (durable,
 * {@link Durability#SYNC}).
 *
 * <pre>
 * ./mvnw -q -pl varve-benchmarks -am package dependency:build-classpath -Dmdep.outputFile=cp.txt -DskipTests
 * java -cp "varve-benchmarks/target/classes:$(cat varve-benchmarks/cp.txt)" org.openjdk.jmh.Main ProcessorCatchUp
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(ProcessorCatchUpBenchmark.EVENTS)
@Fork(1)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 5, time = 5)
public class ProcessorCatchUpBenchmark {

	static final int EVENTS = 1_000_000;

	private static final int PER_APPEND = 1000;

	@EventType("Deposited")
	public record Deposited(String account, long amount, String reference) {
	}

	/** Writes the backlog into a fresh store directory. */
	static Path createStore(String prefix) {
		try {
			Path dir = Files.createTempDirectory(prefix);
			try (Varve varve = Varve.builder().path(dir).durability(Durability.NO_SYNC).open()) {
				for (int batch = 0; batch < EVENTS / PER_APPEND; batch++) {
					List<EventData> events = new ArrayList<>(PER_APPEND);
					for (int i = 0; i < PER_APPEND; i++) {
						events.add(EventData.of(new Deposited("account-" + (i % 97), i, "ref-" + batch + "-" + i)));
					}
					varve.append("account-" + (batch % 97), ExpectedVersion.any(), events);
				}
			}
			return dir;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	static void delete(Path dir) {
		try (Stream<Path> files = Files.walk(dir)) {
			files.sorted(Comparator.reverseOrder()).forEach((file) -> file.toFile().delete());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** A store with the backlog, opened through Varve with durable commits. */
	@State(Scope.Benchmark)
	public static class ProcessorState {

		@Param({ "false", "true" })
		boolean decode;

		@Param({ "500" })
		int batchSize;

		Path dir;

		Varve varve;

		ProcessorRegistry processors;

		final AtomicInteger runs = new AtomicInteger();

		volatile long sink;

		@Setup(Level.Trial)
		public void open() {
			this.dir = createStore("varve-processor-bench");
			this.varve = Varve.builder().path(this.dir).durability(Durability.SYNC).eventTypes(Deposited.class).open();
			this.processors = this.varve.processors();
		}

		@TearDown(Level.Trial)
		public void close() {
			this.varve.close();
			delete(this.dir);
		}

	}

	/** The same backlog, opened with lmdbjava directly. */
	@State(Scope.Benchmark)
	public static class RawState {

		@Param({ "false", "true" })
		boolean decode;

		Path dir;

		Env<DirectBuffer> env;

		Dbi<DirectBuffer> log;

		PayloadCodec codec;

		EventTypeRegistry registry;

		@Setup(Level.Trial)
		public void open() {
			this.dir = createStore("varve-raw-bench");
			this.env = Env.create(DirectBufferProxy.PROXY_DB)
				.setMaxDbs(16)
				.setMapSize(64L * 1024 * 1024 * 1024)
				.open(this.dir.toFile(), EnvFlags.MDB_NOTLS);
			// Opened in a committed transaction so that the handle outlives it.
			this.log = this.env.openDbi("log");
			this.codec = new PayloadCodec(PayloadCodec.defaultMapper());
			this.registry = new EventTypeRegistry();
			this.registry.register(Deposited.class);
		}

		@TearDown(Level.Trial)
		public void close() {
			this.env.close();
			delete(this.dir);
		}

	}

	@Benchmark
	public long processorCatchUp(ProcessorState state) {
		String name = "bench-" + state.runs.incrementAndGet();
		boolean decode = state.decode;
		long[] sum = new long[1];
		state.processors.register(ProcessorDefinition.builder(name)
			.batchSize(state.batchSize)
			.handler((event, context) -> sum[0] += work(event, decode))
			.build());
		state.processors.start(name);
		state.processors.awaitProcessed(name, EVENTS, Duration.ofMinutes(5));
		state.processors.stop(name);
		state.sink = sum[0];
		return sum[0];
	}

	@Benchmark
	public long rawCursorScan(RawState state) {
		long sum = 0;
		try (Txn<DirectBuffer> txn = state.env.txnRead(); Cursor<DirectBuffer> cursor = state.log.openCursor(txn)) {
			boolean found = cursor.first();
			while (found) {
				DirectBuffer value = cursor.val();
				byte[] envelope = new byte[value.capacity()];
				value.getBytes(0, envelope);
				sum += work(new StoredEvent(envelope, state.codec, state.registry), state.decode);
				found = cursor.next();
			}
		}
		if (sum == 0) {
			throw new IllegalStateException("scanned nothing");
		}
		return sum;
	}

	/** The per-event work both sides do. */
	static long work(RecordedEvent event, boolean decode) {
		long value = event.position();
		if (decode) {
			value += ((Deposited) event.data()).amount();
		}
		return value;
	}

}

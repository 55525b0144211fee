package io.varve.benchmarks.jmh;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import io.varve.AppendResult;
import io.varve.Durability;
import io.varve.ExpectedVersion;
import io.varve.Varve;
import io.varve.benchmarks.support.Events;
import io.varve.benchmarks.support.ItemAdded;
import io.varve.benchmarks.support.Stores;

/**
 * Durable single-event appends ({@link Durability#SYNC}) from 1 thread and from 64
 * threads, in one run. Each thread appends to its own stream with an exact expected
 * version. JMH reports the total throughput of all threads, so the ratio of the two
 * scores is what group commit buys; {@code JmhRunner} prints it.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 4)
public class DurableAppendBenchmark {

	/** The store, shared by all threads of a benchmark. */
	@State(Scope.Benchmark)
	public static class Store {

		Varve varve;

		Path directory;

		final AtomicInteger streams = new AtomicInteger();

		@Setup(Level.Trial)
		public void open() throws Exception {
			this.directory = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "jmh-durable-");
			this.varve = Varve.builder()
				.path(this.directory)
				.durability(Durability.SYNC)
				.eventTypes(ItemAdded.class)
				.open();
		}

		@TearDown(Level.Trial)
		public void close() {
			this.varve.close();
			Stores.delete(this.directory);
		}

	}

	/** One writer's stream and its version. */
	@State(Scope.Thread)
	public static class Writer {

		int stream;

		long version;

		@Setup(Level.Trial)
		public void pick(Store store) {
			this.stream = store.streams.incrementAndGet();
		}

	}

	@Benchmark
	@Threads(1)
	public AppendResult oneWriter(Store store, Writer writer) {
		return append(store, writer);
	}

	@Benchmark
	@Threads(64)
	public AppendResult sixtyFourWriters(Store store, Writer writer) {
		return append(store, writer);
	}

	private static AppendResult append(Store store, Writer writer) {
		AppendResult result = store.varve.append("cart-" + writer.stream, ExpectedVersion.exact(writer.version),
				Events.event(writer.stream, writer.version));
		writer.version = result.version();
		return result;
	}

}

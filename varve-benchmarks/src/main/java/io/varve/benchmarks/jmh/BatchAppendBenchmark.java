package io.varve.benchmarks.jmh;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import io.varve.AppendResult;
import io.varve.Durability;
import io.varve.ExpectedVersion;
import io.varve.Varve;
import io.varve.benchmarks.support.Events;
import io.varve.benchmarks.support.ItemAdded;
import io.varve.benchmarks.support.RawLmdb;
import io.varve.benchmarks.support.Stores;

/**
 * Appends of 1000 events per call without sync: Varve ({@code NO_SYNC}) against raw
 * lmdbjava (Smile-encode, {@code MDB_APPEND}, {@code MDB_NOSYNC}, one transaction per
 * 1000). Scores are events per second.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 4)
@State(Scope.Thread)
public class BatchAppendBenchmark {

	private static final int BATCH = 1000;

	private Path directory;

	private Varve varve;

	private RawLmdb raw;

	private long version;

	private long rawVersion;

	@Setup(Level.Trial)
	public void open() throws Exception {
		this.directory = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "jmh-batch-");
		this.varve = Varve.builder()
			.path(this.directory.resolve("varve"))
			.durability(Durability.NO_SYNC)
			.eventTypes(ItemAdded.class)
			.open();
		this.raw = RawLmdb.open(this.directory.resolve("raw"), false);
	}

	@TearDown(Level.Trial)
	public void close() {
		this.varve.close();
		this.raw.close();
		Stores.delete(this.directory);
	}

	@Benchmark
	@OperationsPerInvocation(BATCH)
	public AppendResult varve() {
		Object[] events = new Object[BATCH];
		for (int i = 0; i < BATCH; i++) {
			events[i] = Events.event(1, this.version + i);
		}
		AppendResult result = this.varve.append("cart-1", ExpectedVersion.exact(this.version), events);
		this.version = result.version();
		return result;
	}

	@Benchmark
	@OperationsPerInvocation(BATCH)
	public long rawLmdb() {
		byte[][] values = new byte[BATCH][];
		for (int i = 0; i < BATCH; i++) {
			values[i] = Events.encode(Events.event(1, this.rawVersion + i));
		}
		this.raw.appendBatch(values);
		this.rawVersion += BATCH;
		return this.raw.count();
	}

}

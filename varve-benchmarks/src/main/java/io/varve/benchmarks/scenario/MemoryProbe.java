package io.varve.benchmarks.scenario;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.stream.Stream;

import io.varve.Durability;
import io.varve.EventFilter;
import io.varve.RecordedEvent;
import io.varve.Varve;
import io.varve.benchmarks.support.Checksum;
import io.varve.benchmarks.support.ItemAdded;
import io.varve.benchmarks.support.Stores;
import io.varve.processor.ProcessorDefinition;
import io.varve.processor.ProcessorRegistry;

/**
 * Runs in its own small-heap JVM (started by {@link MemoryScenario}): writes a large log,
 * then scans it whole, reads its longest stream and replays it whole through a processor,
 * decoding every event, and prints the heap in use after a full GC at regular points of
 * each pass.
 *
 * <p>
 * Output lines: {@code sample <pass> <events read> <heap bytes>}, {@code rate <pass>
 * <events> <nanos>} and {@code store <bytes>}; the passes are {@code log}, {@code stream}
 * and {@code replay}.
 */
public final class MemoryProbe {

	private static final int SAMPLES = 20;

	private MemoryProbe() {
	}

	/**
	 * Entry point.
	 * @param args the store directory, the number of events, the events of the long
	 * stream
	 */
	public static void main(String[] args) {
		Path directory = Path.of(args[0]);
		long events = Long.parseLong(args[1]);
		long streamEvents = Long.parseLong(args[2]);
		try (Varve varve = Varve.builder()
			.path(directory)
			.durability(Durability.NO_SYNC)
			.mapSize(1024L * 1024 * 1024)
			.eventTypes(ItemAdded.class)
			.open()) {
			Stores.fill(varve, streamEvents, 1000, 1, 0);
			Stores.fill(varve, events - streamEvents, 1000, 1000, 1);
			System.out.println("store " + Stores.size(directory));
			scan("log", events, varve.scanAll(0, EventFilter.all()));
			scan("stream", streamEvents, varve.scanStream("cart-0", 1));
			replay(varve, events);
		}
		System.out.flush();
	}

	private static void scan(String name, long expected, Stream<RecordedEvent> events) {
		MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
		long every = Math.max(1, expected / SAMPLES);
		Checksum sum = new Checksum();
		sample(name, 0, memory);
		long start = System.nanoTime();
		long paused = 0;
		try (events) {
			Iterator<RecordedEvent> iterator = events.iterator();
			while (iterator.hasNext()) {
				sum.accept(iterator.next().data());
				if (sum.count() % every == 0) {
					long before = System.nanoTime();
					sample(name, sum.count(), memory);
					paused += System.nanoTime() - before;
				}
			}
		}
		long elapsed = System.nanoTime() - start - paused;
		if (sum.count() != expected) {
			throw new IllegalStateException(name + " scan read " + sum.count() + " events, expected " + expected);
		}
		System.out.println("rate " + name + " " + sum.count() + " " + elapsed);
	}

	/**
	 * Replays the whole log through a processor from checkpoint 0, as rebuilding a read
	 * model does, sampling the heap from its handler.
	 */
	private static void replay(Varve varve, long expected) {
		MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
		long every = Math.max(1, expected / SAMPLES);
		Checksum sum = new Checksum();
		long[] paused = { 0 };
		ProcessorRegistry processors = varve.processors();
		processors.register(ProcessorDefinition.builder("replay").handler((event, context) -> {
			sum.accept(event.data());
			if (sum.count() % every == 0) {
				long before = System.nanoTime();
				sample("replay", sum.count(), memory);
				paused[0] += System.nanoTime() - before;
			}
		}).build());
		sample("replay", 0, memory);
		long start = System.nanoTime();
		processors.start("replay");
		processors.awaitProcessed("replay", varve.headPosition(), Duration.ofMinutes(30));
		long elapsed = System.nanoTime() - start;
		// Stopping joins the processor's thread, so its counts are visible here.
		processors.stop("replay");
		if (sum.count() != expected) {
			throw new IllegalStateException("replay handled " + sum.count() + " events, expected " + expected);
		}
		System.out.println("rate replay " + sum.count() + " " + (elapsed - paused[0]));
	}

	private static void sample(String name, long read, MemoryMXBean memory) {
		System.gc();
		System.out.println("sample " + name + " " + read + " " + memory.getHeapMemoryUsage().getUsed());
	}

}

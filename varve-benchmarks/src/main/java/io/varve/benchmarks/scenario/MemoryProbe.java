package io.varve.benchmarks.scenario;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.stream.Stream;

import io.varve.Durability;
import io.varve.EventFilter;
import io.varve.RecordedEvent;
import io.varve.Varve;
import io.varve.benchmarks.support.Checksum;
import io.varve.benchmarks.support.ItemAdded;
import io.varve.benchmarks.support.Stores;

/**
 * Runs in its own small-heap JVM (started by {@link MemoryScenario}): writes a large log,
 * then scans it whole and reads its longest stream, decoding every event, and prints the
 * heap in use after a full GC at regular points of each scan.
 *
 * <p>
 * Output lines: {@code sample <scan> <events read> <heap bytes>}, {@code rate <scan>
 * <events> <nanos>} and {@code store <bytes>}.
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

	private static void sample(String name, long read, MemoryMXBean memory) {
		System.gc();
		System.out.println("sample " + name + " " + read + " " + memory.getHeapMemoryUsage().getUsed());
	}

}

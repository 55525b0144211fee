package io.varve.benchmarks.scenario;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.stream.Stream;

import io.varve.AggregateRepository;
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
 * The long stream is also loaded as an aggregate through {@link AggregateRepository}.
 *
 * <p>
 * Output lines: {@code sample <pass> <events read> <heap bytes>}, {@code rate <pass>
 * <events> <nanos>} and {@code store <bytes>}; the passes are {@code log},
 * {@code stream}, {@code aggregate} and {@code replay}.
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
			aggregate(varve, streamEvents);
			replay(varve, events);
		}
		System.out.flush();
	}

	private static void scan(String name, long expected, Stream<RecordedEvent> events) {
		Pass pass = new Pass(name, expected);
		try (events) {
			Iterator<RecordedEvent> iterator = events.iterator();
			while (iterator.hasNext()) {
				pass.accept(iterator.next().data());
			}
		}
		pass.finish(System.nanoTime());
	}

	/**
	 * Loads the longest stream as an aggregate through {@link AggregateRepository}, which
	 * folds each event into the state as it reads it (here: a count), sampling the heap
	 * from the fold.
	 */
	private static void aggregate(Varve varve, long expected) {
		Pass pass = new Pass("aggregate", expected);
		AggregateRepository<Long> carts = AggregateRepository.of(varve, 0L, (count, event) -> {
			pass.accept(event);
			return count + 1;
		});
		long folded = carts.load("cart-0").state();
		if (folded != expected) {
			throw new IllegalStateException("The aggregate folded " + folded + " events, expected " + expected);
		}
		pass.finish(System.nanoTime());
	}

	/**
	 * Replays the whole log through a processor from checkpoint 0, as rebuilding a read
	 * model does, sampling the heap from its handler.
	 */
	private static void replay(Varve varve, long expected) {
		Pass pass = new Pass("replay", expected);
		ProcessorRegistry processors = varve.processors();
		processors.register(
				ProcessorDefinition.builder("replay").handler((event, context) -> pass.accept(event.data())).build());
		processors.start("replay");
		processors.awaitProcessed("replay", varve.headPosition(), Duration.ofMinutes(30));
		long end = System.nanoTime();
		// Stopping joins the processor's thread, so its counts are visible here.
		processors.stop("replay");
		pass.finish(end);
	}

	/**
	 * One pass over the log: checksums each event's data, samples the heap after a full
	 * GC at regular points, and reports its rate without the time the samples took.
	 */
	private static final class Pass {

		private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();

		private final Checksum sum = new Checksum();

		private final String name;

		private final long expected;

		private final long every;

		private final long start;

		private long paused;

		/** Samples the heap before the pass and starts its clock. */
		Pass(String name, long expected) {
			this.name = name;
			this.expected = expected;
			this.every = Math.max(1, expected / SAMPLES);
			sample(0);
			this.start = System.nanoTime();
		}

		void accept(Object data) {
			this.sum.accept(data);
			if (this.sum.count() % this.every == 0) {
				long before = System.nanoTime();
				sample(this.sum.count());
				this.paused += System.nanoTime() - before;
			}
		}

		/** Checks that the pass saw every event and prints its rate. */
		void finish(long end) {
			if (this.sum.count() != this.expected) {
				throw new IllegalStateException(
						this.name + " pass read " + this.sum.count() + " events, expected " + this.expected);
			}
			System.out.println("rate " + this.name + " " + this.sum.count() + " " + (end - this.start - this.paused));
		}

		private void sample(long read) {
			System.gc();
			System.out.println("sample " + this.name + " " + read + " " + this.memory.getHeapMemoryUsage().getUsed());
		}

	}

}

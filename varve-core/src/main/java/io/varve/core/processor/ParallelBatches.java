package io.varve.core.processor;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import org.jspecify.annotations.Nullable;

import io.varve.RecordedEvent;
import io.varve.core.read.EventReader;
import io.varve.processor.ErrorPolicy;
import io.varve.processor.ProcessorDefinition;
import io.varve.processor.RetryPolicy;

/**
 * Handles a processor's batches on several threads
 * ({@link ProcessorDefinition#concurrency()}): the batch's events are split by stream,
 * each stream's events to one thread in log order, and each thread handles its share into
 * a buffer of its own over the same projection state. What they wrote is merged into the
 * batch's one commit, so the checkpoint and exactly-once projections are as with one
 * thread.
 * <p>
 * The threads' work must not depend on each other's: when one thread wrote a key another
 * read or wrote (or cleared a table another touched), the parallel result may differ from
 * handling the events in log order, so it is dropped and the batch is handled again on
 * the processor's thread, in log order. A handler failure does the same, so that retries,
 * parking and stopping follow the error policy exactly as with one thread (the parallel
 * attempt tries each event once).
 */
final class ParallelBatches implements AutoCloseable {

	private static final System.Logger LOG = System.getLogger(ParallelBatches.class.getName());

	private final ProcessorDefinition definition;

	/** The definition for the parallel attempt: one try per event, no parking. */
	private final ProcessorDefinition attempt;

	private final ProcessorCounters counters;

	/**
	 * Counts the parallel attempts' errors, which the batch handled again counts itself.
	 */
	private final ProcessorCounters scratch;

	private final ProcessorServices services;

	private final BooleanSupplier shouldYield;

	private final ExecutorService threads;

	private final int concurrency;

	private boolean conflictLogged;

	ParallelBatches(ProcessorDefinition definition, ProcessorCounters counters, ProcessorServices services,
			BooleanSupplier shouldYield) {
		this.definition = definition;
		this.attempt = definition.toBuilder().errorPolicy(ErrorPolicy.STOP).retryPolicy(RetryPolicy.none()).build();
		this.counters = counters;
		this.scratch = new ProcessorCounters(services, 0);
		this.services = services;
		this.shouldYield = shouldYield;
		this.concurrency = definition.concurrency();
		AtomicInteger created = new AtomicInteger();
		this.threads = Executors.newFixedThreadPool(this.concurrency - 1, (task) -> {
			Thread thread = new Thread(task, "varve-processor[" + definition.name() + "]-" + created.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		});
	}

	/**
	 * Handles a batch.
	 * @param batch the batch
	 * @param lower what the handler reads beneath the batch's writes
	 * @return what the batch came to, as handling it on one thread would
	 */
	BatchOutcome run(EventReader.Batch batch, ProjectionLayer lower) {
		List<List<RecordedEvent>> shares = split(batch.events());
		if (shares.size() < 2) {
			return serial(batch, lower);
		}
		List<Share> done = new ArrayList<>(shares.size());
		List<Future<Share>> pending = new ArrayList<>(shares.size() - 1);
		for (int i = 1; i < shares.size(); i++) {
			List<RecordedEvent> events = shares.get(i);
			pending.add(this.threads.submit(() -> handle(events, batch, lower)));
		}
		done.add(handle(shares.get(0), batch, lower));
		Throwable failure = null;
		for (Future<Share> future : pending) {
			try {
				done.add(future.get());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				failure = ex;
			}
			catch (ExecutionException ex) {
				failure = ex.getCause();
			}
		}
		if (failure != null || !completed(done, batch)) {
			return again(batch, lower, null);
		}
		String conflict = conflict(done);
		if (conflict != null) {
			return again(batch, lower, conflict);
		}
		ProjectionBuffer merged = new ProjectionBuffer();
		int handled = 0;
		for (Share share : done) {
			merged.absorb(share.outcome().writes());
			handled += share.outcome().handled();
		}
		return new BatchOutcome(batch.lastScanned(), handled, merged, List.of(), null);
	}

	private Share handle(List<RecordedEvent> events, EventReader.Batch batch, ProjectionLayer lower) {
		ReadSet reads = new ReadSet();
		BatchRun run = new BatchRun(this.attempt, this.scratch, this.shouldYield, lower, this.services,
				this.services.tables()::prefix, reads);
		BatchOutcome outcome = run
			.run(new EventReader.Batch(events, batch.lastScanned(), batch.headPosition(), batch.atEnd()));
		return new Share(outcome, reads);
	}

	private static boolean completed(List<Share> done, EventReader.Batch batch) {
		return done.stream()
			.allMatch((share) -> share.outcome().failure() == null
					&& share.outcome().checkpoint() == batch.lastScanned());
	}

	/**
	 * Splits events by stream into at most {@link #concurrency} shares, each in order.
	 */
	private List<List<RecordedEvent>> split(List<RecordedEvent> events) {
		Map<Integer, List<RecordedEvent>> byThread = new HashMap<>();
		for (RecordedEvent event : events) {
			int thread = Math.floorMod(event.stream().hashCode(), this.concurrency);
			byThread.computeIfAbsent(thread, (key) -> new ArrayList<>()).add(event);
		}
		return new ArrayList<>(byThread.values());
	}

	/**
	 * Whether one share's work touched what another wrote; null when they kept apart.
	 */
	private static @Nullable String conflict(List<Share> done) {
		// Which share wrote each key, and which cleared each table.
		Map<String, Map<String, Integer>> writers = new HashMap<>();
		Map<String, Integer> clearers = new HashMap<>();
		for (int i = 0; i < done.size(); i++) {
			int share = i;
			String[] clash = { null };
			done.get(i).outcome().writes().forEachWrite((table, key) -> {
				if (key == null) {
					clearers.put(table, share);
					return;
				}
				Integer before = writers.computeIfAbsent(table, (name) -> new HashMap<>()).putIfAbsent(key, share);
				if (before != null && before != share && clash[0] == null) {
					clash[0] = "key '" + key + "' of table '" + table + "' was written for two streams";
				}
			});
			if (clash[0] != null) {
				return clash[0];
			}
		}
		for (Map.Entry<String, Integer> cleared : clearers.entrySet()) {
			int clearer = cleared.getValue();
			boolean writtenByOthers = writers.getOrDefault(cleared.getKey(), Map.of())
				.values()
				.stream()
				.anyMatch((share) -> share != clearer);
			boolean readByOthers = false;
			for (int i = 0; i < done.size(); i++) {
				readByOthers |= i != clearer && done.get(i).reads().readTable(cleared.getKey());
			}
			if (writtenByOthers || readByOthers) {
				return "table '" + cleared.getKey() + "' was cleared for one stream and used for another";
			}
		}
		for (int i = 0; i < done.size(); i++) {
			ReadSet reads = done.get(i).reads();
			for (Map.Entry<String, Map<String, Integer>> table : writers.entrySet()) {
				for (Map.Entry<String, Integer> written : table.getValue().entrySet()) {
					if (written.getValue() != i && reads.readKey(table.getKey(), written.getKey())) {
						return "key '" + written.getKey() + "' of table '" + table.getKey()
								+ "' was read for one stream and written for another";
					}
				}
			}
		}
		return null;
	}

	private BatchOutcome again(EventReader.Batch batch, ProjectionLayer lower, @Nullable String conflict) {
		if (conflict != null && !this.conflictLogged) {
			this.conflictLogged = true;
			LOG.log(Level.WARNING,
					"Processor '" + this.definition.name() + "' has concurrency " + this.concurrency
							+ " but its handler's work on one stream depends on another's (" + conflict
							+ "); such batches are handled again on one thread, in log order. Key projections by "
							+ "stream, or use concurrency 1. (Logged once.)");
		}
		return serial(batch, lower);
	}

	private BatchOutcome serial(EventReader.Batch batch, ProjectionLayer lower) {
		return new BatchRun(this.definition, this.counters, this.shouldYield, lower, this.services,
				this.services.tables()::prefix)
			.run(batch);
	}

	@Override
	public void close() {
		this.threads.shutdownNow();
	}

	private record Share(BatchOutcome outcome, ReadSet reads) {

	}

}

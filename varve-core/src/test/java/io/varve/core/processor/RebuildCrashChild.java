package io.varve.core.processor;

import java.nio.file.Path;
import java.time.Duration;

import io.varve.Durability;
import io.varve.ExpectedVersion;
import io.varve.Varve;
import io.varve.core.processor.TestEvents.Deposited;
import io.varve.processor.EventHandler;
import io.varve.processor.ProcessorDefinition;
import io.varve.processor.ProcessorRegistry;

/**
 * The child JVM of {@link RebuildCrashTest}: on a store of 20,000 events it rebuilds a
 * processor whose old code kept one key per event (so that dropping the old generation
 * takes many transactions) with new code that sums per stream, while appending more. It
 * prints {@code REBUILDING} once the rebuild runs (started, or resumed from an earlier
 * run) and {@code DONE} when it completed; the parent kills it at a moment of its
 * choosing.
 * <p>
 * Arguments: the store directory.
 */
public final class RebuildCrashChild {

	static final int STREAMS = 20;

	static final int BEFORE = 20_000;

	private RebuildCrashChild() {
	}

	public static void main(String[] args) throws Exception {
		Varve varve = Varve.builder()
			.path(Path.of(args[0]))
			.durability(Durability.NO_SYNC)
			.eventTypes(Deposited.class)
			.open();
		ProcessorRegistry processors = varve.processors();
		boolean fresh = varve.headPosition() == 0;
		if (fresh) {
			processors.register(processor(oldCode()));
			for (int i = 0; i < BEFORE / 100; i++) {
				varve.append("account-" + (i % STREAMS), ExpectedVersion.any(), TestEvents.deposits(100, 1));
			}
			processors.start("accounts");
			processors.awaitProcessed("accounts", varve.headPosition(), Duration.ofMinutes(2));
			processors.stop("accounts");
			varve.close();
			System.out.println("FILLED");
			System.out.flush();
			return;
		}
		processors.register(processor(newCode()));
		// Each processor commit (no events: the live processor's, the rebuild's batches,
		// its
		// switch and its drops) is announced, so that the parent can kill on one of them.
		io.varve.core.DefaultVarve store = (io.varve.core.DefaultVarve) varve;
		store.groupWriter().addListener((commit) -> {
			if (commit.events() == 0) {
				// Told on the committing thread before the next commit: the phase as
				// stored.
				RebuildRecord stored = store.read((txn) -> RebuildRecord.read(txn, "accounts"));
				System.out
					.println("COMMIT " + ((stored == null) ? "NONE" : stored.dropping() ? "DROPPING" : "FILLING"));
				System.out.flush();
			}
		});
		processors.start("accounts");
		if (processors.rebuildStatus("accounts").isEmpty()) {
			processors.rebuild("accounts");
		}
		System.out.println("REBUILDING");
		System.out.flush();
		Thread appender = new Thread(() -> {
			for (long i = 0;; i++) {
				varve.append("account-" + (i % STREAMS), ExpectedVersion.any(), TestEvents.deposits(1, 1));
			}
		});
		appender.setDaemon(true);
		appender.start();
		processors.awaitRebuild("accounts", Duration.ofMinutes(2));
		System.out.println("DONE");
		System.out.flush();
		Thread.currentThread().join();
	}

	static ProcessorDefinition processor(EventHandler handler) {
		return ProcessorDefinition.builder("accounts").batchSize(100).handler(handler).build();
	}

	/** One key per event, and a count. */
	static EventHandler oldCode() {
		return (event, context) -> {
			var store = context.projections();
			store.put("seen", Long.toString(event.position()), event.stream());
			store.put("summary", "events", store.get("summary", "events", Long.class).orElse(0L) + 1);
		};
	}

	/** A sum and a count per stream, and a count. */
	static EventHandler newCode() {
		return (event, context) -> {
			var store = context.projections();
			long amount = ((Deposited) event.data()).amount();
			store.put("sums", event.stream(), store.get("sums", event.stream(), Long.class).orElse(0L) + amount);
			store.put("counts", event.stream(), store.get("counts", event.stream(), Long.class).orElse(0L) + 1);
			store.put("summary", "events", store.get("summary", "events", Long.class).orElse(0L) + 1);
		};
	}

}

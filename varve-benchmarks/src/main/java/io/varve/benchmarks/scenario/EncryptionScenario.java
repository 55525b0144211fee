package io.varve.benchmarks.scenario;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

import io.varve.Durability;
import io.varve.ExpectedVersion;
import io.varve.Varve;
import io.varve.benchmarks.report.Row;
import io.varve.benchmarks.support.Alternation;
import io.varve.benchmarks.support.Checksum;
import io.varve.benchmarks.support.Events;
import io.varve.benchmarks.support.Latencies;
import io.varve.benchmarks.support.Load;
import io.varve.benchmarks.support.Measurement;
import io.varve.benchmarks.support.Settings;
import io.varve.benchmarks.support.Stores;

/**
 * Scenario 12: what encryption at rest costs. Varve with {@code VarveBuilder.encryption}
 * (AES-256-GCM per event under a per-stream data key) against the same Varve without, for
 * batched appends without sync, durable appends from 64 writers, and a full log read that
 * decodes every event.
 */
public final class EncryptionScenario implements Scenario {

	private static final int BATCH = 1000;

	private static final int STREAMS = 10;

	private static final int WRITERS = 64;

	private static final int READ_STREAMS = 1000;

	@Override
	public int number() {
		return 12;
	}

	@Override
	public String title() {
		return "Encryption at rest";
	}

	@Override
	public List<Row> run(Settings settings) throws Exception {
		long events = settings.batchEvents();
		Supplier<Varve> plainBatch = () -> Stores.varve(settings.workDir(), "crypt-plain", Durability.NO_SYNC);
		Supplier<Varve> sealedBatch = () -> Stores.encryptedVarve(settings.workDir(), "crypt-sealed",
				Durability.NO_SYNC);
		int warmups = Math.max(1, settings.shortRounds() / 2);
		for (int round = 0; round < warmups; round++) {
			Scenario.progress("warm-up round " + (round + 1) + " of " + warmups + " (not counted)");
			batched(sealedBatch, events);
			batched(plainBatch, events);
		}
		Measurement[] batched = Alternation.run(settings.shortRounds(), (round,
				pooled) -> Scenario.progress(String.format("batched round %d: encrypted %,.0f ev/s, plain %,.0f ev/s",
						round + 1, pooled[0].rate(), pooled[1].rate())),
				(round) -> batched(sealedBatch, events), (round) -> batched(plainBatch, events));
		Measurement sealed = batched[0];
		Measurement plain = batched[1];
		// An even number of rounds, so that each side runs first as often as second.
		int durableRounds = 2 * ((settings.rounds() + 1) / 2);
		Measurement[] durable = Alternation.run(durableRounds, (round,
				pooled) -> Scenario.progress(String.format("durable round %d: encrypted %,.0f ev/s, plain %,.0f ev/s",
						round + 1, pooled[0].rate(), pooled[1].rate())),
				(round) -> durable(settings, true), (round) -> durable(settings, false));
		Measurement sealedDurable = durable[0];
		Measurement plainDurable = durable[1];
		Measurement[] reads = reads(settings);
		return List.of(
				new Row("12. Encrypted batched append", "encrypted: append(stream, exact(v), 1000 events), NO_SYNC",
						sealed, "same, plain store", plain, 0.8,
						"Both sides are Varve with Durability.NO_SYNC, " + events + " events per side in each of "
								+ settings.shortRounds() + " alternating rounds after " + warmups + " warm-up rounds, "
								+ STREAMS + " streams; the encrypted side seals every "
								+ "event's metadata and payload with AES-256-GCM, in the writer and, for appends this "
								+ "large, partly on the appending thread once the writer has placed the events."),
				new Row("12. Encrypted durable append, " + WRITERS + " writers",
						"encrypted: single-event appends, SYNC, " + WRITERS + " threads", sealedDurable,
						"same, plain store", plainDurable, 0.8,
						"Both sides are Varve with Durability.SYNC; each thread appends to a stream of its own, so "
								+ "the key store is flushed only when the " + WRITERS + " streams get their keys; "
								+ durableRounds + " rounds, the pair's order alternating."),
				new Row("12. Encrypted full read with decoding", "encrypted: scanAll(0, all()) + data()", reads[0],
						"same, plain store", reads[1], 0.7,
						"Both sides read a " + settings.logEvents() + "-event log in " + READ_STREAMS
								+ " streams and decode every payload; the encrypted side checks and opens "
								+ "every event's sealed region first. Data keys are unwrapped once per stream. Both "
								+ "scans read each next chunk of 512 events on the store's read-ahead thread while "
								+ "the caller decodes the current one (opening it there too on the encrypted side)."));
	}

	private static Measurement batched(Supplier<Varve> stores, long events) {
		long[] versions = new long[STREAMS];
		int calls = (int) ((events + BATCH - 1) / BATCH);
		long[][] samples = { new long[calls] };
		long written = 0;
		long elapsed;
		Path directory;
		try (Varve varve = stores.get()) {
			directory = varve.path();
			long start = System.nanoTime();
			for (int call = 0; call < calls; call++) {
				long callStart = System.nanoTime();
				int stream = call % STREAMS;
				int count = (int) Math.min(BATCH, events - written);
				Object[] chunk = new Object[count];
				for (int i = 0; i < count; i++) {
					chunk[i] = Events.event(stream, versions[stream] + i);
				}
				varve.append("cart-" + stream, ExpectedVersion.exact(versions[stream]), chunk);
				versions[stream] += count;
				written += count;
				samples[0][call] = System.nanoTime() - callStart;
			}
			elapsed = System.nanoTime() - start;
		}
		Stores.delete(directory);
		return new Measurement(written, elapsed, Latencies.of(samples, new int[] { calls }));
	}

	private static Measurement durable(Settings settings, boolean encrypted) {
		Path directory;
		Measurement measurement;
		try (Varve varve = encrypted ? Stores.encryptedVarve(settings.workDir(), "crypt-durable", Durability.SYNC)
				: Stores.varve(settings.workDir(), "crypt-durable", Durability.SYNC)) {
			directory = varve.path();
			long[] versions = new long[WRITERS];
			measurement = Load.run(WRITERS, settings.warmupMillis(), settings.measureMillis(), (worker, i) -> {
				varve.append("cart-" + worker, ExpectedVersion.exact(versions[worker]),
						Events.event(worker, versions[worker]));
				versions[worker]++;
				return 1;
			});
		}
		Stores.delete(directory);
		return measurement;
	}

	private static Measurement[] reads(Settings settings) throws Exception {
		long events = settings.logEvents();
		Scenario.progress(String.format("writing %,d events to an encrypted and a plain store", events));
		Varve sealed = Stores.encryptedVarve(settings.workDir(), "crypt-read-sealed", Durability.NO_SYNC);
		Varve plain = Stores.varve(settings.workDir(), "crypt-read-plain", Durability.NO_SYNC);
		try (sealed; plain) {
			Stores.fill(sealed, events, 100, READ_STREAMS, 0);
			Stores.fill(plain, events, 100, READ_STREAMS, 0);
			ReadScenario.readAll(sealed);
			ReadScenario.readAll(plain);
			Checksum[] sums = new Checksum[2];
			return Alternation.run(settings.shortRounds(), (round, pooled) -> {
				sums[0].requireSame(sums[1], "encrypted and plain log");
				Scenario.progress(String.format("read round %d: encrypted %,.0f ev/s, plain %,.0f ev/s", round + 1,
						pooled[0].rate(), pooled[1].rate()));
			}, (round) -> Checksum.timed(sums, 0, () -> ReadScenario.readAll(sealed)),
					(round) -> Checksum.timed(sums, 1, () -> ReadScenario.readAll(plain)));
		}
		finally {
			Stores.delete(sealed.path());
			Stores.delete(plain.path());
		}
	}

}

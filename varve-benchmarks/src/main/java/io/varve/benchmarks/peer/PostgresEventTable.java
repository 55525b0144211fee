package io.varve.benchmarks.peer;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

import io.varve.benchmarks.support.Events;
import io.varve.benchmarks.support.ItemAdded;

/**
 * The peer most Java teams build first: an events table in PostgreSQL, written and read
 * with plain JDBC. One row per event with a global position (identity primary key), a
 * unique event id, and a unique (stream, version) pair that gives optimistic concurrency:
 * an append with a stale expected version violates it and fails. Payloads are the same
 * Smile bytes Varve stores, so both sides encode and decode alike and the comparison is
 * of the stores.
 */
public final class PostgresEventTable {

	/** The SQL state of a unique violation: a concurrent append won. */
	public static final String UNIQUE_VIOLATION = "23505";

	private static final String TYPE = "ItemAdded";

	private PostgresEventTable() {
	}

	/**
	 * Creates the table (dropping an old one).
	 * @param connection a connection
	 * @throws SQLException on failure
	 */
	public static void create(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			statement.execute("drop table if exists events");
			statement.execute("create table events (" + "position bigint generated always as identity primary key, "
					+ "event_id uuid not null unique, " + "stream_id text not null, " + "version bigint not null, "
					+ "event_type text not null, " + "data bytea not null, "
					+ "recorded_at timestamptz not null default now(), " + "unique (stream_id, version))");
		}
	}

	/**
	 * One writer's prepared append on its own connection (auto-commit: each append is its
	 * own transaction, committed durably before {@link #append} returns).
	 */
	public static final class Writer implements AutoCloseable {

		private final Connection connection;

		private final PreparedStatement insert;

		/**
		 * Prepares the insert.
		 * @param connection the writer's own connection
		 * @throws SQLException on failure
		 */
		public Writer(Connection connection) throws SQLException {
			this.connection = connection;
			this.insert = connection.prepareStatement(
					"insert into events (event_id, stream_id, version, event_type, data) values (?, ?, ?, ?, ?)");
		}

		/**
		 * Appends one event at the given version (the stream's current version + 1).
		 * @param stream the stream
		 * @param version the new event's version, from 1
		 * @param event the event
		 * @throws SQLException on failure; state {@value #UNIQUE_VIOLATION} when the
		 * version is taken
		 */
		public void append(String stream, long version, ItemAdded event) throws SQLException {
			this.insert.setObject(1, UUID.randomUUID());
			this.insert.setString(2, stream);
			this.insert.setLong(3, version);
			this.insert.setString(4, TYPE);
			this.insert.setBytes(5, Events.encode(event));
			this.insert.executeUpdate();
		}

		/**
		 * Appends events to a stream in one transaction (one JDBC batch), for loading
		 * data to read.
		 * @param stream the stream
		 * @param firstVersion the first event's version
		 * @param events the events
		 * @throws SQLException on failure
		 */
		public void appendBatch(String stream, long firstVersion, List<ItemAdded> events) throws SQLException {
			this.connection.setAutoCommit(false);
			try {
				for (int i = 0; i < events.size(); i++) {
					this.insert.setObject(1, UUID.randomUUID());
					this.insert.setString(2, stream);
					this.insert.setLong(3, firstVersion + i);
					this.insert.setString(4, TYPE);
					this.insert.setBytes(5, Events.encode(events.get(i)));
					this.insert.addBatch();
				}
				this.insert.executeBatch();
				this.connection.commit();
			}
			catch (SQLException ex) {
				this.connection.rollback();
				throw ex;
			}
			finally {
				this.connection.setAutoCommit(true);
			}
		}

		@Override
		public void close() throws SQLException {
			this.insert.close();
			this.connection.close();
		}

	}

	/**
	 * Reads the whole log in position order, streaming rows with a cursor (fetch size
	 * 1000, inside a read-only transaction, so the driver does not load every row) and
	 * decoding every payload.
	 * @param connection a connection
	 * @param visitor told about each event
	 * @return the number of events read
	 * @throws SQLException on failure
	 */
	public static long readAll(Connection connection, Consumer<ItemAdded> visitor) throws SQLException {
		connection.setAutoCommit(false);
		connection.setReadOnly(true);
		long read = 0;
		try (PreparedStatement select = connection.prepareStatement("select data from events order by position")) {
			select.setFetchSize(1000);
			try (ResultSet rows = select.executeQuery()) {
				while (rows.next()) {
					byte[] data = rows.getBytes(1);
					visitor.accept(Events.decode(data, 0, data.length));
					read++;
				}
			}
			connection.commit();
		}
		finally {
			connection.setReadOnly(false);
			connection.setAutoCommit(true);
		}
		return read;
	}

	/**
	 * Reads one stream in version order, decoding every payload.
	 * @param select a prepared {@link #streamQuery}
	 * @param stream the stream
	 * @param visitor told about each event
	 * @return the number of events read
	 * @throws SQLException on failure
	 */
	public static long readStream(PreparedStatement select, String stream, Consumer<ItemAdded> visitor)
			throws SQLException {
		long read = 0;
		select.setString(1, stream);
		try (ResultSet rows = select.executeQuery()) {
			while (rows.next()) {
				byte[] data = rows.getBytes(1);
				visitor.accept(Events.decode(data, 0, data.length));
				read++;
			}
		}
		return read;
	}

	/**
	 * Prepares the query that loads one stream.
	 * @param connection a connection
	 * @return the statement for {@link #readStream}
	 * @throws SQLException on failure
	 */
	public static PreparedStatement streamQuery(Connection connection) throws SQLException {
		return connection.prepareStatement("select data from events where stream_id = ? order by version");
	}

}

package io.varve.benchmarks.peer;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.axonframework.common.jdbc.DataSourceConnectionProvider;
import org.axonframework.common.transaction.NoTransactionManager;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingEventStream;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.axonframework.serialization.json.JacksonSerializer;
import org.h2.jdbcx.JdbcConnectionPool;

/**
 * The peer: Axon Framework 4's {@link EmbeddedEventStore} on a
 * {@link JdbcEventStorageEngine} over an embedded H2 2.x file database, with Axon's
 * Jackson (2) serializer, configured in plain Java as Axon's reference guide shows for
 * use without Spring.
 *
 * <p>
 * Durability: H2 is opened with {@code WRITE_DELAY=0}, so each commit writes its MVStore
 * chunk to the file at once, but H2 never calls fsync on commit. With
 * {@code syncEachAppend}, every append is followed by H2's {@code CHECKPOINT SYNC}
 * (flush, then {@code FileChannel.force}) before it counts as acknowledged: the same
 * promise as Varve's {@code SYNC}.
 */
public final class AxonStore implements AutoCloseable {

	private static final String AGGREGATE_TYPE = "Cart";

	private final JdbcConnectionPool pool;

	private final EmbeddedEventStore store;

	private final boolean syncEachAppend;

	private AxonStore(JdbcConnectionPool pool, EmbeddedEventStore store, boolean syncEachAppend) {
		this.pool = pool;
		this.store = store;
		this.syncEachAppend = syncEachAppend;
	}

	/**
	 * Creates the database and the event table.
	 * @param directory an empty directory
	 * @param syncEachAppend whether each append is forced to disk
	 * @param maxConnections connection pool size
	 * @return the store
	 */
	public static AxonStore open(Path directory, boolean syncEachAppend, int maxConnections) {
		String url = "jdbc:h2:file:" + directory.resolve("axon").toAbsolutePath() + ";WRITE_DELAY=0";
		JdbcConnectionPool pool = JdbcConnectionPool.create(url, "sa", "");
		pool.setMaxConnections(maxConnections);
		JacksonSerializer serializer = JacksonSerializer.defaultSerializer();
		JdbcEventStorageEngine engine = JdbcEventStorageEngine.builder()
			.connectionProvider(new DataSourceConnectionProvider(pool))
			.transactionManager(NoTransactionManager.INSTANCE)
			.eventSerializer(serializer)
			.snapshotSerializer(serializer)
			.build();
		engine.createSchema(H2EventTableFactory.INSTANCE);
		EmbeddedEventStore store = EmbeddedEventStore.builder().storageEngine(engine).build();
		return new AxonStore(pool, store, syncEachAppend);
	}

	/**
	 * Appends one event to an aggregate, durably if so configured.
	 * @param aggregateId the aggregate (stream)
	 * @param sequence the event's sequence number in the aggregate, from 0
	 * @param payload the event
	 */
	public void append(String aggregateId, long sequence, Object payload) {
		this.store.publish(new GenericDomainEventMessage<>(AGGREGATE_TYPE, aggregateId, sequence, payload));
		if (this.syncEachAppend) {
			sync();
		}
	}

	/**
	 * Appends events to an aggregate in one call (one JDBC batch), without forcing them
	 * to disk: for loading data to read.
	 * @param aggregateId the aggregate
	 * @param firstSequence the first event's sequence number
	 * @param payloads the events
	 */
	public void appendBatch(String aggregateId, long firstSequence, List<?> payloads) {
		List<DomainEventMessage<?>> messages = new ArrayList<>(payloads.size());
		for (int i = 0; i < payloads.size(); i++) {
			messages
				.add(new GenericDomainEventMessage<>(AGGREGATE_TYPE, aggregateId, firstSequence + i, payloads.get(i)));
		}
		this.store.publish(messages);
	}

	/**
	 * Reads the whole event log through a tracking stream, deserialising every payload.
	 * @param expected how many events the log holds
	 * @param visitor told about each payload
	 */
	public void readAll(long expected, Consumer<Object> visitor) {
		long read = 0;
		try (TrackingEventStream stream = this.store.openStream(null)) {
			while (read < expected) {
				if (!stream.hasNextAvailable(10, TimeUnit.SECONDS)) {
					throw new IllegalStateException(
							"Axon's stream ended after " + read + " of " + expected + " events");
				}
				TrackedEventMessage<?> message = stream.nextAvailable();
				visitor.accept(message.getPayload());
				read++;
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Reads one aggregate's events, deserialising every payload.
	 * @param aggregateId the aggregate
	 * @param visitor told about each payload
	 */
	public void readAggregate(String aggregateId, Consumer<Object> visitor) {
		this.store.readEvents(aggregateId).forEachRemaining((message) -> visitor.accept(message.getPayload()));
	}

	private void sync() {
		try (Connection connection = this.pool.getConnection(); Statement statement = connection.createStatement()) {
			statement.execute("CHECKPOINT SYNC");
		}
		catch (SQLException ex) {
			throw new IllegalStateException("CHECKPOINT SYNC failed", ex);
		}
	}

	@Override
	public void close() {
		this.store.shutDown();
		try (Connection connection = this.pool.getConnection(); Statement statement = connection.createStatement()) {
			statement.execute("SHUTDOWN");
		}
		catch (SQLException ex) {
			// already closed
		}
		this.pool.dispose();
	}

}

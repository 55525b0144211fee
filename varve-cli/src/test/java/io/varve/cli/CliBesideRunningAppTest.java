package io.varve.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code varve} command as its own process against the sample application running as
 * another (its Spring Boot jar, built by the reactor before this module): it reads the
 * store beside the writer, follows new events, verifies and exports it; once the
 * application has stopped, the export imports into a new store that verifies and holds
 * the same events.
 */
class CliBesideRunningAppTest {

	@TempDir
	Path dir;

	@Test
	@Timeout(value = 4, unit = TimeUnit.MINUTES)
	void theCommandReadsFollowsVerifiesAndExportsTheStoreOfARunningApplication() throws Exception {
		Path jar = sampleJar();
		Path store = this.dir.resolve("store");
		int port;
		try (ServerSocket socket = new ServerSocket(0)) {
			port = socket.getLocalPort();
		}
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		Process app = new ProcessBuilder(java, "-jar", jar.toString(), "--server.port=" + port, "--varve.path=" + store,
				"--varve.durability=no-sync")
			.redirectErrorStream(true)
			.start();
		try {
			BlockingQueue<String> appLines = lines(app);
			awaitLine(appLines, "Started SampleApplication", 120);
			JsonNode load = post(port, "/load?events=400&accounts=5");
			long head = load.path("lastPosition").asLong();
			assertThat(head).isGreaterThanOrEqualTo(400);

			JsonNode info = Output.JSON.readTree(cli("info", "-s", store.toString(), "-o", "json").out());
			assertThat(info.path("headPosition").asLong()).isGreaterThanOrEqualTo(head);
			assertThat(info.path("processors").size()).as("the sample's processors").isPositive();
			Run verify = cli("verify", "-s", store.toString());
			assertThat(verify.code()).as(verify.out()).isZero();
			assertThat(verify.out()).startsWith("ok: ");
			Run streams = cli("streams", "-s", store.toString(), "--category", "account");
			assertThat(streams.code()).isZero();
			assertThat(streams.out().lines()).hasSize(6).allMatch((line) -> line.length() <= 80);

			// Following: new events print as the application commits them.
			Process follow = start("tail", "--follow", "--count", "1", "-s", store.toString(), "-o", "json");
			try {
				BlockingQueue<String> followed = lines(follow);
				String first = followed.poll(60, TimeUnit.SECONDS);
				assertThat(first).as("the newest event").isNotNull();
				long seen = Output.JSON.readTree(first).path("position").asLong();
				long after = post(port, "/load?events=3&accounts=1").path("lastPosition").asLong();
				while (seen < after) {
					String line = followed.poll(60, TimeUnit.SECONDS);
					assertThat(line).as("an event followed up to " + after).isNotNull();
					seen = Output.JSON.readTree(line).path("position").asLong();
				}
				head = after;
			}
			finally {
				follow.destroyForcibly();
			}

			Path export = this.dir.resolve("export.ndjson");
			assertThat(cli("export", "-s", store.toString(), "--to", export.toString()).code()).isZero();
			assertThat(Files.readAllLines(export).size()).isGreaterThanOrEqualTo((int) head);
		}
		finally {
			app.destroy();
			assertThat(app.waitFor(60, TimeUnit.SECONDS)).isTrue();
		}
		Path export = this.dir.resolve("export.ndjson");
		long exported = Files.readAllLines(export).size();
		Path copy = this.dir.resolve("copy");
		Run imported = cli("import", "-s", copy.toString(), "--from", export.toString());
		assertThat(imported.code()).as(imported.out()).isZero();
		assertThat(cli("verify", "-s", copy.toString()).out()).startsWith("ok: " + exported + " events");
		Path again = this.dir.resolve("again.ndjson");
		assertThat(cli("export", "-s", copy.toString(), "--to", again.toString()).code()).isZero();
		assertThat(Files.readAllLines(again)).isEqualTo(Files.readAllLines(export));
	}

	private static Path sampleJar() throws IOException {
		Path target = Path.of("..", "sample-app", "target");
		List<Path> jars = new ArrayList<>();
		if (Files.isDirectory(target)) {
			try (Stream<Path> files = Files.list(target)) {
				files.filter((file) -> file.getFileName().toString().matches("sample-app-.*\\.jar")).forEach(jars::add);
			}
		}
		Assumptions.assumeFalse(jars.isEmpty(),
				"The sample application's jar is not built; ./mvnw verify builds it before this module");
		return jars.get(0);
	}

	record Run(int code, String out) {

	}

	private static Run cli(String... args) throws Exception {
		Process process = start(args);
		String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
		return new Run(process.exitValue(), out);
	}

	private static Process start(String... args) throws IOException {
		List<String> command = new ArrayList<>(
				List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
						System.getProperty("java.class.path"), VarveCli.class.getName()));
		command.addAll(List.of(args));
		// Standard error apart: on recent JDKs the JVM warns there about native access by
		// the
		// LMDB binding when the classes are not run from the jar, whose manifest allows
		// it.
		return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
	}

	/** A process's output lines, read on a thread of their own. */
	private static BlockingQueue<String> lines(Process process) {
		BlockingQueue<String> lines = new LinkedBlockingQueue<>();
		Thread reader = new Thread(() -> {
			try (BufferedReader in = new BufferedReader(
					new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
				String line;
				while ((line = in.readLine()) != null) {
					lines.add(line);
				}
			}
			catch (IOException ex) {
				// The process ended.
			}
		});
		reader.setDaemon(true);
		reader.start();
		return lines;
	}

	private static void awaitLine(BlockingQueue<String> lines, String wanted, int seconds) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
		List<String> seen = new ArrayList<>();
		while (System.nanoTime() < deadline) {
			String line = lines.poll(1, TimeUnit.SECONDS);
			if (line != null) {
				seen.add(line);
				if (line.contains(wanted)) {
					return;
				}
			}
		}
		throw new AssertionError("the application did not log '" + wanted + "' within " + seconds + " s: "
				+ String.join("\n", seen.subList(Math.max(0, seen.size() - 30), seen.size())));
	}

	private static JsonNode post(int port, String path) throws Exception {
		HttpResponse<String> response = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
				.POST(HttpRequest.BodyPublishers.noBody())
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return Output.JSON.readTree(response.body());
	}

}

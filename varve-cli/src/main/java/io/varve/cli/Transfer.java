package io.varve.cli;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

import io.varve.RecordedEvent;
import io.varve.ReplicatedEvent;
import io.varve.Replication;
import io.varve.Varve;

/**
 * {@code export} and {@code import}: a store's log as newline-delimited JSON, one event a
 * line, and back. A line holds everything of the event: position, stream, version, id,
 * type, schema version, time, correlation and causation ids, metadata and payload (as
 * JSON to read, and as the stored Smile bytes in base64, so that the round trip is
 * exact). This is also the way to move events to a store of a newer format version.
 */
final class Transfer {

	private static final int BATCH = 1000;

	private Transfer() {
	}

	@Command(name = "export", description = "Writes every event as one JSON line (to a file, or standard output).")
	static final class Export extends Commands.OnStore {

		@Option(names = "--to", paramLabel = "FILE", description = "The file to write (default: standard output).")
		Path to;

		@Option(names = "--from-position", defaultValue = "1", description = "The first position to export.")
		long fromPosition;

		@Override
		int run(Varve varve, Output output) throws IOException {
			long head = varve.headPosition();
			PrintWriter target = (this.to != null)
					? new PrintWriter(new BufferedWriter(
							new OutputStreamWriter(Files.newOutputStream(this.to), StandardCharsets.UTF_8)))
					: this.spec.commandLine().getOut();
			long written = 0;
			long next = Math.max(1, this.fromPosition);
			while (next <= head) {
				List<RecordedEvent> events = varve.readAll(next, BATCH);
				if (events.isEmpty()) {
					break;
				}
				for (RecordedEvent event : events) {
					if (event.position() > head) {
						break;
					}
					target.println(Output.JSON.writeValueAsString(EventJson.of(event, true)));
					written++;
				}
				next = events.get(events.size() - 1).position() + 1;
			}
			target.flush();
			if (this.to != null) {
				target.close();
				this.spec.commandLine().getErr().println("exported " + written + " events to " + this.to);
			}
			return VarveCli.OK;
		}

	}

	@Command(name = "import",
			description = "Reads an export into a new, empty store, keeping positions, ids, versions and bytes. "
					+ "Every line is checked before anything is written.")
	static final class Import implements Callable<Integer> {

		@Option(names = { "-s", "--store" }, required = true, paramLabel = "DIR",
				description = "The new store's directory: absent or empty.")
		Path store;

		@Option(names = "--from", required = true, paramLabel = "FILE", description = "The export to read.")
		Path from;

		@Option(names = "--verbose", description = "On an error, print its stack trace too.")
		boolean verbose;

		@Spec
		CommandSpec spec;

		@Override
		public Integer call() throws IOException {
			if (!Files.isRegularFile(this.from)) {
				throw new VarveCli.CliException(VarveCli.REFUSED, "no file " + this.from + " to import");
			}
			if (Files.isDirectory(this.store)) {
				try (Stream<Path> entries = Files.list(this.store)) {
					if (entries.findAny().isPresent()) {
						throw new VarveCli.CliException(VarveCli.REFUSED, this.store + " is not empty; import into a "
								+ "new directory (events keep their positions, so the store must start empty)");
					}
				}
			}
			long events = check();
			boolean created = !Files.exists(this.store);
			try (Varve varve = Varve.builder().path(this.store).replica().open();
					BufferedReader lines = Files.newBufferedReader(this.from, StandardCharsets.UTF_8)) {
				Replication replication = Replication.of(varve);
				List<ReplicatedEvent> batch = new ArrayList<>(BATCH);
				String line;
				while ((line = lines.readLine()) != null) {
					if (line.isBlank()) {
						continue;
					}
					batch.add(parse(line, 0));
					if (batch.size() == BATCH) {
						replication.applyCopy(batch);
						batch.clear();
					}
				}
				if (!batch.isEmpty()) {
					replication.applyCopy(batch);
				}
			}
			catch (RuntimeException ex) {
				// Checked line by line first, so this is the disk or the store: leave
				// nothing.
				removeQuietly(this.store, created);
				throw ex;
			}
			this.spec.commandLine().getOut().println("imported " + events + " events into " + this.store);
			return VarveCli.OK;
		}

		/** Reads every line once and checks it fits: returns the number of events. */
		private long check() throws IOException {
			Map<String, Long> versions = new HashMap<>();
			Set<UUID> ids = new HashSet<>();
			long position = 0;
			long number = 0;
			long count = 0;
			try (BufferedReader lines = Files.newBufferedReader(this.from, StandardCharsets.UTF_8)) {
				String line;
				while ((line = lines.readLine()) != null) {
					number++;
					if (line.isBlank()) {
						continue;
					}
					ReplicatedEvent event = parse(line, number);
					count++;
					// Positions ascend; a gap is where events were deleted before the
					// export.
					if (event.position() <= position) {
						throw refused(number, "position " + event.position() + " does not come after " + position
								+ " (an export lists positions in ascending order)");
					}
					position = event.position();
					// A stream's versions follow each other; its first one here may be
					// above 1
					// when its earlier events were deleted.
					Long previous = versions.get(event.stream());
					long version = (previous != null) ? previous + 1 : event.version();
					if (event.version() != version || version < 1) {
						throw refused(number, "version " + event.version() + " of stream '" + event.stream()
								+ "' where " + version + " comes next");
					}
					versions.put(event.stream(), version);
					if (!ids.add(event.id())) {
						throw refused(number, "event id " + event.id() + " is used twice");
					}
				}
			}
			return count;
		}

		private ReplicatedEvent parse(String line, long number) {
			try {
				JsonNode node = Output.JSON.readTree(line);
				byte[] data = bytes(node, "dataSmile", "data", number);
				byte[] metadata = node.has("metadataSmile") || node.has("metadata")
						? bytes(node, "metadataSmile", "metadata", number) : null;
				return new ReplicatedEvent(required(node, "position", number).asLong(),
						required(node, "stream", number).asString(), required(node, "version", number).asLong(),
						UUID.fromString(required(node, "id", number).asString()),
						required(node, "type", number).asString(),
						node.has("schemaVersion") ? node.get("schemaVersion").asInt() : 1,
						required(node, "timestampMicros", number).asLong(), uuid(node, "correlationId"),
						uuid(node, "causationId"), metadata, data);
			}
			catch (VarveCli.CliException ex) {
				throw ex;
			}
			catch (JacksonException ex) {
				throw refused(number, "not JSON (" + ex.getOriginalMessage() + ")");
			}
			catch (RuntimeException ex) {
				throw refused(number, ex.getMessage());
			}
		}

		private byte[] bytes(JsonNode node, String exact, String json, long number) {
			if (node.hasNonNull(exact)) {
				return Base64.getDecoder().decode(node.get(exact).asString());
			}
			if (node.has(json)) {
				return EventJson.SMILE.writeValueAsBytes(node.get(json));
			}
			throw refused(number, "no '" + json + "'");
		}

		private JsonNode required(JsonNode node, String field, long number) {
			JsonNode value = node.get(field);
			if (value == null || value.isNull()) {
				throw refused(number, "no '" + field + "'");
			}
			return value;
		}

		private static UUID uuid(JsonNode node, String field) {
			return node.hasNonNull(field) ? UUID.fromString(node.get(field).asString()) : null;
		}

		private VarveCli.CliException refused(long number, String why) {
			return new VarveCli.CliException(VarveCli.REFUSED,
					this.from + " line " + number + ": " + why + "; nothing was imported");
		}

	}

	private static void removeQuietly(Path store, boolean created) {
		try (Stream<Path> files = Files.walk(store)) {
			files.sorted(java.util.Comparator.reverseOrder())
				.filter((path) -> created || !path.equals(store))
				.forEach((path) -> path.toFile().delete());
		}
		catch (IOException | RuntimeException ex) {
			// Best effort: the message of the failure that brought us here matters more.
		}
	}

}

package io.varve.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import io.varve.RecordedEvent;
import io.varve.StoreInfo;
import io.varve.StreamInfo;
import io.varve.Varve;
import io.varve.core.DefaultVarve;
import io.varve.core.lmdb.LmdbStorageEngine;
import io.varve.core.processor.StoredProcessors;
import io.varve.core.verify.StoreCheck;
import io.varve.processor.ParkedEvent;

/** The read-only commands (and {@code backup}, which writes only its target). */
final class Commands {

	private Commands() {
	}

	/** A command on one store, with its output. */
	abstract static class OnStore implements Callable<Integer> {

		@Mixin
		VarveCli.StoreOptions options;

		@Spec
		CommandSpec spec;

		Output output() {
			return new Output(this.spec.commandLine().getOut(), this.options.output);
		}

		@Override
		public Integer call() throws Exception {
			try (Varve varve = this.options.open()) {
				return run(varve, output());
			}
		}

		abstract int run(Varve varve, Output output) throws Exception;

	}

	@Command(name = "info", description = "Head, counts, size, format version and processors.")
	static final class Info extends OnStore {

		@Override
		int run(Varve varve, Output output) {
			StoreInfo info = varve.storeInfo();
			long head = varve.headPosition();
			List<StoredProcessors.Stored> processors = ((DefaultVarve) varve).read(StoredProcessors::list);
			if (output.json()) {
				ObjectNode node = JsonNodeFactory.instance.objectNode();
				node.put("path", String.valueOf(info.path()));
				node.put("headPosition", head);
				node.put("events", head);
				node.put("streams", varve.streamCount());
				node.put("usedBytes", info.usedBytes());
				node.put("mapSize", info.mapSize());
				node.put("maxMapSize", info.maxMapSize());
				node.put("formatVersion", LmdbStorageEngine.FORMAT_VERSION);
				node.put("readers", info.readers());
				var list = node.putArray("processors");
				processors.forEach((processor) -> list.add(processorJson(processor, head)));
				output.json(node);
				return VarveCli.OK;
			}
			List<String[]> pairs = new ArrayList<>();
			pairs.add(new String[] { "store", String.valueOf(info.path()) });
			pairs.add(new String[] { "head position", Long.toString(head) });
			pairs.add(new String[] { "events", Long.toString(head) });
			pairs.add(new String[] { "streams", Long.toString(varve.streamCount()) });
			pairs.add(new String[] { "size", bytes(info.usedBytes()) + " used of a " + bytes(info.mapSize())
					+ " map (at most " + bytes(info.maxMapSize()) + ")" });
			pairs.add(new String[] { "format version", Integer.toString(LmdbStorageEngine.FORMAT_VERSION) });
			pairs.add(new String[] { "durability", "the writing application's varve.durability (not stored)" });
			pairs.add(new String[] { "readers", info.readers() + " of " + info.maxReaders() + " slots in use" });
			pairs.add(new String[] { "processors", Integer.toString(processors.size()) });
			output.pairs(pairs);
			if (!processors.isEmpty()) {
				output.line("");
				processorTable(output, processors, head);
			}
			return VarveCli.OK;
		}

	}

	@Command(name = "streams", description = "Streams in name order, with their versions and positions.")
	static final class Streams extends OnStore {

		@Option(names = "--prefix", defaultValue = "", description = "Only streams whose name starts with this.")
		String prefix;

		@Option(names = "--category", description = "Only streams of this category (the name before the first '-').")
		String category;

		@Option(names = "--after", description = "Start after this stream name (to page).")
		String after;

		@Option(names = "--limit", defaultValue = "100", description = "At most this many (1 to 10000).")
		int limit;

		@Override
		int run(Varve varve, Output output) {
			String from = (this.category != null) ? this.category + "-" : this.prefix;
			List<StreamInfo> page = varve.listStreams(from, this.after, this.limit);
			if (output.json()) {
				page.forEach((stream) -> {
					ObjectNode node = JsonNodeFactory.instance.objectNode();
					node.put("stream", stream.stream());
					node.put("version", stream.version());
					node.put("firstPosition", stream.firstPosition());
					node.put("lastPosition", stream.lastPosition());
					node.put("createdAt", String.valueOf(stream.createdAt()));
					output.json(node);
				});
				return VarveCli.OK;
			}
			List<String[]> rows = new ArrayList<>();
			page.forEach((stream) -> rows.add(new String[] { stream.stream(), Long.toString(stream.version()),
					Long.toString(stream.firstPosition()), Long.toString(stream.lastPosition()) }));
			output.table(new String[] { "STREAM", "VERSION", "FIRST", "LAST" }, new int[] { 48, 9, 10, 10 }, rows);
			return VarveCli.OK;
		}

	}

	@Command(name = "read", description = "The events of one stream.")
	static final class Read extends OnStore {

		@Parameters(index = "0", paramLabel = "STREAM", description = "The stream name.")
		String stream;

		@Option(names = "--from", description = "The first version (default: 1, or the last with --backward).")
		Long from;

		@Option(names = "--count", defaultValue = "100", description = "At most this many events.")
		int count;

		@Option(names = "--backward", description = "Newest first.")
		boolean backward;

		@Override
		int run(Varve varve, Output output) {
			if (varve.streamInfo(this.stream).isEmpty()) {
				throw new VarveCli.CliException(VarveCli.NOT_FOUND, "no stream '" + this.stream
						+ "' in the store; list them with: varve streams --store " + this.options.store);
			}
			List<RecordedEvent> events = this.backward
					? varve.readStreamBackward(this.stream, (this.from != null) ? this.from : Long.MAX_VALUE,
							this.count)
					: varve.readStream(this.stream, (this.from != null) ? this.from : 1, this.count);
			printEvents(output, events);
			return VarveCli.OK;
		}

	}

	@Command(name = "tail", description = "The newest events of the whole log; --follow keeps printing new ones.")
	static final class Tail extends OnStore {

		@Option(names = "--count", defaultValue = "10", description = "How many of the newest events to print first.")
		int count;

		@Option(names = { "-f", "--follow" }, description = "Keep printing events as they commit (Ctrl-C ends).")
		boolean follow;

		@Option(names = "--poll-millis", defaultValue = "200", hidden = true)
		long pollMillis;

		@Override
		int run(Varve varve, Output output) {
			long next = Math.max(1, varve.headPosition() - this.count + 1);
			while (true) {
				List<RecordedEvent> events = varve.readAll(next, 1000);
				if (!events.isEmpty()) {
					printEvents(output, events);
					next = events.get(events.size() - 1).position() + 1;
					continue;
				}
				if (!this.follow || Thread.currentThread().isInterrupted()) {
					return VarveCli.OK;
				}
				LockSupport.parkNanos(this.pollMillis * 1_000_000L);
			}
		}

	}

	@Command(name = "event", description = "One event, by position or id, with its payload.")
	static final class Event extends OnStore {

		@Parameters(index = "0", paramLabel = "POSITION|ID", description = "A global position or an event id.")
		String which;

		@Override
		int run(Varve varve, Output output) {
			Optional<RecordedEvent> event;
			if (this.which.matches("\\d+")) {
				event = varve.readEvent(Long.parseLong(this.which));
			}
			else {
				UUID id;
				try {
					id = UUID.fromString(this.which);
				}
				catch (IllegalArgumentException ex) {
					throw new VarveCli.CliException(VarveCli.USAGE,
							"'" + this.which + "' is neither a position (a number) nor an event id (a UUID)");
				}
				long position = ((DefaultVarve) varve).read((txn) -> txn.positionOf(id));
				event = (position > 0) ? varve.readEvent(position) : Optional.empty();
			}
			RecordedEvent found = event.orElseThrow(() -> new VarveCli.CliException(VarveCli.NOT_FOUND,
					"no event " + this.which + " in the store (its head is at position " + varve.headPosition() + ")"));
			ObjectNode node = EventJson.of(found, false);
			if (output.json()) {
				output.json(node);
				return VarveCli.OK;
			}
			List<String[]> pairs = new ArrayList<>();
			node.properties().forEach((entry) -> {
				if (!entry.getKey().equals("data") && !entry.getKey().equals("metadata")) {
					pairs.add(new String[] { entry.getKey(), entry.getValue().asString() });
				}
			});
			output.pairs(pairs);
			if (node.has("metadata")) {
				output.line("metadata");
				output.line(Output.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node.get("metadata")));
			}
			output.line("data");
			output.line(Output.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node.get("data")));
			return VarveCli.OK;
		}

	}

	@Command(name = "processors", description = "Processors with their checkpoints, lag and parked events.")
	static final class Processors extends OnStore {

		@Override
		int run(Varve varve, Output output) {
			long head = varve.headPosition();
			List<StoredProcessors.Stored> processors = ((DefaultVarve) varve).read(StoredProcessors::list);
			if (output.json()) {
				processors.forEach((processor) -> output.json(processorJson(processor, head)));
				return VarveCli.OK;
			}
			processorTable(output, processors, head);
			return VarveCli.OK;
		}

	}

	@Command(name = "parked", description = "A processor's parked (dead-letter) events.")
	static final class Parked extends OnStore {

		@Parameters(index = "0", paramLabel = "PROCESSOR", description = "The processor's name.")
		String processor;

		@Option(names = "--after", defaultValue = "0", description = "List events after this position (to page).")
		long after;

		@Option(names = "--limit", defaultValue = "100", description = "At most this many (1 to 10000).")
		int limit;

		@Override
		int run(Varve varve, Output output) {
			DefaultVarve store = (DefaultVarve) varve;
			boolean known = store.read(StoredProcessors::list)
				.stream()
				.anyMatch((stored) -> stored.name().equals(this.processor));
			if (!known) {
				throw new VarveCli.CliException(VarveCli.NOT_FOUND, "no processor '" + this.processor
						+ "' in the store; list them with: varve processors --store " + this.options.store);
			}
			List<ParkedEvent> page = store
				.read((txn) -> StoredProcessors.parked(txn, this.processor, this.after, Math.min(this.limit, 10_000)));
			if (output.json()) {
				page.forEach((parked) -> {
					ObjectNode node = JsonNodeFactory.instance.objectNode();
					node.put("position", parked.position());
					node.put("eventId", parked.eventId().toString());
					node.put("stream", parked.stream());
					node.put("eventType", parked.eventType());
					node.put("error", parked.error());
					node.put("errorType", parked.errorType());
					node.put("attempts", parked.attempts());
					node.put("parkedAt", parked.parkedAt().toString());
					node.put("held", parked.held());
					output.json(node);
				});
				return VarveCli.OK;
			}
			List<String[]> rows = new ArrayList<>();
			page.forEach((parked) -> rows.add(new String[] { Long.toString(parked.position()), parked.stream(),
					parked.eventType(), parked.held() ? "(held) " + parked.error() : parked.error() }));
			output.table(new String[] { "POSITION", "STREAM", "TYPE", "ERROR" }, new int[] { 10, 20, 16, 80 }, rows);
			return VarveCli.OK;
		}

	}

	@Command(name = "backup", description = "Copies the store, consistent, to a new directory (works while it runs).")
	static final class Backup extends OnStore {

		@Parameters(index = "0", paramLabel = "TARGET", description = "The directory to create; must not exist.")
		Path target;

		@Override
		int run(Varve varve, Output output) {
			varve.backup(this.target);
			output.line("backed up " + varve.headPosition() + " events to " + this.target);
			return VarveCli.OK;
		}

	}

	@Command(name = "verify",
			description = "Walks the whole store and checks every invariant; exit code 1 with a report on any breach.")
	static final class Verify extends OnStore {

		@Override
		int run(Varve varve, Output output) {
			StoreCheck.Report report = StoreCheck.run(varve);
			if (output.json()) {
				ObjectNode node = JsonNodeFactory.instance.objectNode();
				node.put("ok", report.ok());
				node.put("headPosition", report.headPosition());
				node.put("events", report.events());
				node.put("streams", report.streams());
				node.put("breaches", report.breachCount());
				var list = node.putArray("report");
				report.breaches().forEach(list::add);
				output.json(node);
			}
			else if (report.ok()) {
				output.line("ok: " + report.events() + " events in " + report.streams()
						+ " streams; every invariant holds:");
				output.line("positions gapless, versions contiguous, indexes agree with the log, envelopes decode");
			}
			else {
				output.line(report.breachCount() + " breaches in " + report.events() + " events and " + report.streams()
						+ " streams:");
				report.breaches().forEach((breach) -> output.line("- " + breach));
				if (report.breachCount() > report.breaches().size()) {
					output.line("... and " + (report.breachCount() - report.breaches().size()) + " more");
				}
				output.line("Restore the store from a backup (varve backup makes one while it runs).");
			}
			return report.ok() ? VarveCli.OK : VarveCli.BREACHES;
		}

	}

	static void printEvents(Output output, List<RecordedEvent> events) {
		if (output.json()) {
			events.forEach((event) -> output.json(EventJson.of(event, false)));
			return;
		}
		List<String[]> rows = new ArrayList<>();
		for (RecordedEvent event : events) {
			rows.add(new String[] { Long.toString(event.position()), event.stream(), Long.toString(event.version()),
					event.type(), event.isShredded() ? "(shredded: its stream was forgotten)"
							: Output.JSON.writeValueAsString(EventJson.tree(event.rawData())) });
		}
		output.table(new String[] { "POSITION", "STREAM", "VERSION", "TYPE", "DATA" }, new int[] { 10, 20, 8, 18, 80 },
				rows);
	}

	static ObjectNode processorJson(StoredProcessors.Stored processor, long head) {
		ObjectNode node = JsonNodeFactory.instance.objectNode();
		node.put("name", processor.name());
		node.put("checkpoint", processor.checkpoint());
		node.put("lag", head - processor.checkpoint());
		node.put("parked", processor.parked());
		return node;
	}

	static void processorTable(Output output, List<StoredProcessors.Stored> processors, long head) {
		List<String[]> rows = new ArrayList<>();
		processors
			.forEach((processor) -> rows.add(new String[] { processor.name(), Long.toString(processor.checkpoint()),
					Long.toString(head - processor.checkpoint()), Long.toString(processor.parked()) }));
		output.table(new String[] { "PROCESSOR", "CHECKPOINT", "LAG", "PARKED" }, new int[] { 40, 12, 10, 10 }, rows);
	}

	static String bytes(long bytes) {
		if (bytes < 1024) {
			return bytes + " B";
		}
		String[] units = { "KiB", "MiB", "GiB", "TiB" };
		double value = bytes;
		int unit = -1;
		while (value >= 1024 && unit < units.length - 1) {
			value /= 1024;
			unit++;
		}
		return String.format(java.util.Locale.ROOT, "%.1f %s", value, units[unit]);
	}

}

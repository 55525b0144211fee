package io.varve.sample.audit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.springframework.beans.factory.annotation.Value;

import io.varve.RecordedEvent;
import io.varve.boot.VarveHandler;
import io.varve.boot.VarveProcessor;
import io.varve.processor.ErrorPolicy;

/**
 * A processor with a side effect outside the store: it appends one line per account event
 * to an audit file. Outside effects get at-least-once delivery (after a crash the events
 * since the last checkpoint come again), so it deduplicates by event id: ids already in
 * the file are skipped. An event it cannot write is parked rather than stopping the
 * trail.
 */
@VarveProcessor(name = AuditTrail.NAME, categories = "account", errorPolicy = ErrorPolicy.PARK)
public class AuditTrail {

	/** The processor's name. */
	public static final String NAME = "audit-trail";

	private final Path file;

	private final Set<UUID> written = new HashSet<>();

	public AuditTrail(@Value("${sample.audit.file:audit.log}") Path file) {
		this.file = file;
		for (String line : readLines(file)) {
			int space = line.indexOf(' ');
			try {
				this.written.add(UUID.fromString(line.substring(0, space)));
			}
			catch (RuntimeException ex) {
				// A line torn by a crash: its event comes again and is written in full.
			}
		}
	}

	@VarveHandler
	synchronized void on(RecordedEvent event) throws IOException {
		if (!this.written.add(event.id())) {
			return;
		}
		String line = event.id() + " " + event.position() + " " + event.timestamp() + " " + event.stream() + " "
				+ event.type() + System.lineSeparator();
		Files.writeString(this.file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
				StandardOpenOption.SYNC);
	}

	/** The ids written so far, for tests. */
	public synchronized Set<UUID> writtenIds() {
		return Set.copyOf(this.written);
	}

	private static List<String> readLines(Path file) {
		try {
			return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read the audit file " + file, ex);
		}
	}

}

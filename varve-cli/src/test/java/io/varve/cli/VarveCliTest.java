package io.varve.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import io.varve.AppendResult;
import io.varve.Durability;
import io.varve.EventData;
import io.varve.ExpectedVersion;
import io.varve.RecordedEvent;
import io.varve.Varve;
import io.varve.core.DefaultVarve;
import io.varve.core.storage.StreamRecord;
import io.varve.core.write.WriteContext;
import io.varve.core.write.WriteRequest;
import io.varve.processor.ErrorPolicy;
import io.varve.processor.ProcessorDefinition;
import io.varve.processor.RetryPolicy;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every command of {@code varve} on a real store (closed: the process test runs it beside
 * a running application), with the output and exit code a user sees.
 */
class VarveCliTest {

	@TempDir
	Path dir;

	private Path store;

	private UUID secondId;

	record Opened(String owner) {
	}

	record Deposited(long amount, String note) {
	}

	@BeforeEach
	void fill() {
		this.store = this.dir.resolve("store");
		try (Varve varve = Varve.builder()
			.path(this.store)
			.durability(Durability.NO_SYNC)
			.eventTypes(Opened.class, Deposited.class)
			.open()) {
			for (int i = 1; i <= 3; i++) {
				varve.append("account-" + i, ExpectedVersion.noStream(), new Opened("owner " + i));
			}
			UUID correlation = UUID.randomUUID();
			AppendResult second = varve.append("account-1", ExpectedVersion.exact(1),
					List.of(EventData.of(new Deposited(250, "a note that is rather long, longer than a column"))
						.withCorrelationId(correlation)
						.withMetadata(Map.of("user", "ada", "ip", "10.0.0.1"))));
			this.secondId = varve.readEvent(second.lastPosition()).orElseThrow().id();
			for (int i = 0; i < 20; i++) {
				varve.append("order-" + (i % 4), ExpectedVersion.any(), new Deposited(i, "n" + i));
			}
			varve.processors()
				.register(ProcessorDefinition.builder("picky")
					.errorPolicy(ErrorPolicy.PARK)
					.retryPolicy(RetryPolicy.none())
					.handler((event, context) -> {
						if (event.position() == 2) {
							throw new IllegalStateException("no twos");
						}
					})
					.build());
			varve.processors().start("picky");
			varve.processors().awaitProcessed("picky", varve.headPosition(), Duration.ofSeconds(30));
		}
	}

	private Result varve(String... args) {
		StringWriter out = new StringWriter();
		StringWriter err = new StringWriter();
		int code = VarveCli.run(new PrintWriter(out), new PrintWriter(err), args);
		return new Result(code, out.toString(), err.toString());
	}

	record Result(int code, String out, String err) {

		List<String> lines() {
			return Arrays.stream(this.out.split("\n")).filter((line) -> !line.isEmpty()).toList();
		}

		JsonNode json() {
			return Output.JSON.readTree(this.out);
		}

	}

	@Test
	void infoGivesHeadCountsSizeAndProcessors() {
		Result table = varve("info", "--store", this.store.toString());
		assertThat(table.code()).as(table.err()).isZero();
		assertThat(table.out()).contains("head position   24").contains("streams         7").contains("format version");
		assertThat(table.lines()).allMatch((line) -> line.length() <= 80);
		assertThat(table.out()).containsPattern("picky\\s+24\\s+0\\s+1");
		JsonNode json = varve("info", "--store", this.store.toString(), "--output", "json").json();
		assertThat(json.path("headPosition").asLong()).isEqualTo(24);
		assertThat(json.path("streams").asLong()).isEqualTo(7);
		assertThat(json.path("processors").get(0).path("name").asString()).isEqualTo("picky");
		assertThat(json.path("processors").get(0).path("parked").asLong()).isEqualTo(1);
	}

	@Test
	void streamsAreListedByPrefixOrCategoryWithinEightyColumns() {
		Result accounts = varve("streams", "-s", this.store.toString(), "--category", "account");
		assertThat(accounts.code()).isZero();
		assertThat(accounts.lines()).hasSize(4).allMatch((line) -> line.length() <= 80);
		assertThat(accounts.lines().get(1)).startsWith("account-1").contains("2");
		Result limited = varve("streams", "-s", this.store.toString(), "--prefix", "order-", "--limit", "2", "-o",
				"json");
		assertThat(limited.lines()).hasSize(2);
		assertThat(Output.JSON.readTree(limited.lines().get(0)).path("stream").asString()).isEqualTo("order-0");
	}

	@Test
	void readPrintsPayloadsAsJsonWithoutTheApplicationsClasses() {
		Result read = varve("read", "account-1", "-s", this.store.toString(), "-o", "json");
		assertThat(read.code()).as(read.err()).isZero();
		List<String> lines = read.lines();
		assertThat(lines).hasSize(2);
		JsonNode deposit = Output.JSON.readTree(lines.get(1));
		assertThat(deposit.path("data").path("amount").asLong()).isEqualTo(250);
		assertThat(deposit.path("metadata").path("user").asString()).isEqualTo("ada");
		assertThat(deposit.path("correlationId").asString()).isNotBlank();
		assertThat(deposit.has("dataSmile")).as("bytes only in exports").isFalse();
		Result table = varve("read", "account-1", "-s", this.store.toString(), "--backward", "--count", "1");
		assertThat(table.lines()).hasSize(2).allMatch((line) -> line.length() <= 80);
		assertThat(table.lines().get(1)).contains("Deposited").endsWith("…");
		Result unknown = varve("read", "nobody", "-s", this.store.toString());
		assertThat(unknown.code()).isEqualTo(VarveCli.NOT_FOUND);
		assertThat(unknown.err().strip()).isEqualTo(
				"varve: no stream 'nobody' in the store; list them with: varve " + "streams --store " + this.store);
	}

	@Test
	void eventIsFoundByPositionOrIdAndTailPrintsTheNewest() {
		Result byId = varve("event", this.secondId.toString(), "-s", this.store.toString());
		assertThat(byId.code()).as(byId.err()).isZero();
		assertThat(byId.out()).contains("position").contains("\"amount\" : 250").contains("\"user\" : \"ada\"");
		Result byPosition = varve("event", "4", "-s", this.store.toString(), "-o", "json");
		assertThat(byPosition.json().path("id").asString()).isEqualTo(this.secondId.toString());
		assertThat(varve("event", "99", "-s", this.store.toString()).code()).isEqualTo(VarveCli.NOT_FOUND);
		Result bad = varve("event", "four", "-s", this.store.toString());
		assertThat(bad.code()).isEqualTo(VarveCli.USAGE);
		assertThat(bad.err()).contains("neither a position");
		Result tail = varve("tail", "--count", "3", "-s", this.store.toString(), "-o", "json");
		assertThat(tail.lines()).hasSize(3);
		assertThat(Output.JSON.readTree(tail.lines().get(2)).path("position").asLong()).isEqualTo(24);
	}

	@Test
	void processorsAndParkedEventsAreListed() {
		Result processors = varve("processors", "-s", this.store.toString(), "-o", "json");
		assertThat(processors.json().path("lag").asLong()).isZero();
		Result parked = varve("parked", "picky", "-s", this.store.toString());
		assertThat(parked.code()).isZero();
		assertThat(parked.lines()).hasSize(2);
		assertThat(parked.lines().get(1)).startsWith("2").contains("account-2").contains("no twos");
		Result unknown = varve("parked", "nobody", "-s", this.store.toString());
		assertThat(unknown.code()).isEqualTo(VarveCli.NOT_FOUND);
		assertThat(unknown.err()).startsWith("varve: no processor 'nobody' in the store");
	}

	@Test
	void verifyPassesAHealthyStoreAndReportsADamagedOne() {
		Result ok = varve("verify", "-s", this.store.toString());
		assertThat(ok.code()).as(ok.out() + ok.err()).isZero();
		assertThat(ok.out()).startsWith("ok: 24 events in 7 streams");
		try (DefaultVarve varve = (DefaultVarve) Varve.builder().path(this.store).open()) {
			StreamRecord real = varve.read((txn) -> txn.stream("order-2".getBytes(StandardCharsets.UTF_8)));
			varve.groupWriter().submit(new WriteRequest<Void>(false) {

				@Override
				protected Void apply(WriteContext context) {
					context.txn()
						.putStream("order-2".getBytes(StandardCharsets.UTF_8),
								new StreamRecord(real.streamId(), real.version() - 1, real.firstPosition(),
										real.lastPosition(), real.createdMicros(), real.updatedMicros()));
					return null;
				}

				@Override
				protected int eventCount() {
					return 0;
				}

				@Override
				protected long byteSize() {
					return 64;
				}

			}).join();
		}
		Result damaged = varve("verify", "-s", this.store.toString());
		assertThat(damaged.code()).isEqualTo(VarveCli.BREACHES);
		assertThat(damaged.out()).contains("breaches in 24 events and 7 streams")
			.contains("the head record of stream 'order-2' says versions 1..4")
			.contains("Restore the store from a backup");
		assertThat(varve("verify", "-s", this.store.toString(), "-o", "json").json().path("ok").asBoolean()).isFalse();
	}

	@Test
	void anEncryptedStoreIsReadWithItsKeyStoreAndMasterKeyFileAndRefusedWithout() throws Exception {
		Path encrypted = this.dir.resolve("encrypted");
		Path keyStore = this.dir.resolve("keys.log");
		Path masterKey = java.nio.file.Files.writeString(this.dir.resolve("master.key"),
				io.varve.crypto.LocalKeyProvider.generateKey());
		try (Varve varve = Varve.builder()
			.path(encrypted)
			.eventTypes(Deposited.class)
			.encryption(io.varve.crypto.Encryption.of(io.varve.crypto.LocalKeyProvider.fromFile(masterKey), keyStore))
			.open()) {
			varve.append("account-1", ExpectedVersion.noStream(), new Deposited(7, "sealed"));
			varve.append("account-2", ExpectedVersion.noStream(), new Deposited(8, "forgotten"));
			varve.forget("account-2");
		}
		Result refused = varve("verify", "-s", encrypted.toString());
		assertThat(refused.code()).isNotZero();
		assertThat(refused.err()).contains("is encrypted");
		String[] keys = { "--key-store", keyStore.toString(), "--master-key-file", masterKey.toString() };
		Result ok = varve(concat(new String[] { "verify", "-s", encrypted.toString() }, keys));
		assertThat(ok.code()).as(ok.out() + ok.err()).isZero();
		assertThat(ok.out()).startsWith("ok: 2 events in 2 streams");
		Result read = varve(
				concat(new String[] { "read", "account-1", "-s", encrypted.toString(), "-o", "json" }, keys));
		assertThat(read.code()).as(read.err()).isZero();
		assertThat(read.out()).contains("sealed");
		Result shredded = varve(concat(new String[] { "read", "account-2", "-s", encrypted.toString() }, keys));
		assertThat(shredded.code()).as(shredded.err()).isZero();
		assertThat(shredded.out()).contains("(shredded").doesNotContain("forgotten\"");
	}

	private static String[] concat(String[] first, String[] second) {
		String[] all = Arrays.copyOf(first, first.length + second.length);
		System.arraycopy(second, 0, all, first.length, second.length);
		return all;
	}

	@Test
	void exportAndImportRoundTripExactly() throws Exception {
		Path export = this.dir.resolve("events.ndjson");
		Result exported = varve("export", "-s", this.store.toString(), "--to", export.toString());
		assertThat(exported.code()).as(exported.err()).isZero();
		assertThat(Files.readAllLines(export)).hasSize(24);
		Path copy = this.dir.resolve("copy");
		Result imported = varve("import", "--store", copy.toString(), "--from", export.toString());
		assertThat(imported.code()).as(imported.err()).isZero();
		assertThat(imported.out()).contains("imported 24 events");
		assertThat(varve("verify", "-s", copy.toString()).code()).isZero();
		Path again = this.dir.resolve("again.ndjson");
		assertThat(varve("export", "-s", copy.toString(), "--to", again.toString()).code()).isZero();
		assertThat(Files.readAllLines(again)).isEqualTo(Files.readAllLines(export));
		// The copy is a normal store: it takes appends after the imported events.
		try (Varve varve = Varve.builder().path(copy).eventTypes(Deposited.class).open()) {
			assertThat(varve.append("account-1", ExpectedVersion.exact(2), new Deposited(1, "x")).lastPosition())
				.isEqualTo(25);
		}
	}

	@Test
	void importRefusesANonEmptyTargetAndAMalformedLineWritingNothing() throws Exception {
		Path export = this.dir.resolve("events.ndjson");
		varve("export", "-s", this.store.toString(), "--to", export.toString());
		Result notEmpty = varve("import", "--store", this.store.toString(), "--from", export.toString());
		assertThat(notEmpty.code()).isEqualTo(VarveCli.REFUSED);
		assertThat(notEmpty.err()).contains("is not empty");
		List<String> lines = new java.util.ArrayList<>(Files.readAllLines(export));
		lines.set(10, lines.get(10).substring(0, 30));
		Path broken = this.dir.resolve("broken.ndjson");
		Files.write(broken, lines);
		Path target = this.dir.resolve("target");
		Result malformed = varve("import", "--store", target.toString(), "--from", broken.toString());
		assertThat(malformed.code()).isEqualTo(VarveCli.REFUSED);
		assertThat(malformed.err()).startsWith("varve: " + broken + " line 11: not JSON")
			.contains("nothing was imported");
		assertThat(target).doesNotExist();
		lines = new java.util.ArrayList<>(Files.readAllLines(export));
		java.util.Collections.swap(lines, 5, 6);
		Files.write(broken, lines);
		Result backwards = varve("import", "--store", target.toString(), "--from", broken.toString());
		assertThat(backwards.code()).isEqualTo(VarveCli.REFUSED);
		assertThat(backwards.err()).contains("line 7: position 6 does not come after 7");
		lines = new java.util.ArrayList<>(Files.readAllLines(export));
		// Position 9 is version 2 of order-0, whose version 3 follows at position 13.
		lines.remove(8);
		Files.write(broken, lines);
		Result hole = varve("import", "--store", target.toString(), "--from", broken.toString());
		assertThat(hole.code()).isEqualTo(VarveCli.REFUSED);
		assertThat(hole.err()).contains("line 12: version 3 of stream 'order-0' where 2 comes next");
		assertThat(target).doesNotExist();
	}

	@Test
	void exportAndImportCarryAStoreWhoseEventsWereDeleted() throws Exception {
		try (Varve varve = Varve.builder().path(this.store).eventTypes(Opened.class, Deposited.class).open()) {
			varve.deleteStream("account-3", ExpectedVersion.any());
			varve.truncateBefore("order-1", 3);
			varve.deleteStream("order-2", ExpectedVersion.exact(5));
			varve.append("order-2", ExpectedVersion.recreate(), new Deposited(99, "new life"));
		}
		Path export = this.dir.resolve("events.ndjson");
		assertThat(varve("export", "-s", this.store.toString(), "--to", export.toString()).code()).isZero();
		assertThat(Files.readAllLines(export)).hasSize(24 - 1 - 2 - 5 + 1);
		Path copy = this.dir.resolve("copy");
		Result imported = varve("import", "--store", copy.toString(), "--from", export.toString());
		assertThat(imported.code()).as(imported.err()).isZero();
		assertThat(imported.out()).contains("imported 17 events");
		Result verified = varve("verify", "-s", copy.toString());
		assertThat(verified.code()).as(verified.out() + verified.err()).isZero();
		Path again = this.dir.resolve("again.ndjson");
		assertThat(varve("export", "-s", copy.toString(), "--to", again.toString()).code()).isZero();
		assertThat(Files.readAllLines(again)).isEqualTo(Files.readAllLines(export));
		try (Varve varve = Varve.builder().path(copy).eventTypes(Opened.class, Deposited.class).open()) {
			assertThat(varve.readStream("order-1", 1, 10)).extracting(RecordedEvent::version)
				.containsExactly(3L, 4L, 5L);
			assertThat(varve.readStream("order-2", 1, 10)).extracting(RecordedEvent::version).containsExactly(6L);
			assertThat(varve.append("order-1", ExpectedVersion.exact(5), new Deposited(1, "x")).version()).isEqualTo(6);
		}
	}

	@Test
	void backupCopiesTheStore() {
		Path target = this.dir.resolve("backup");
		Result backup = varve("backup", target.toString(), "-s", this.store.toString());
		assertThat(backup.code()).as(backup.err()).isZero();
		assertThat(varve("verify", "-s", target.toString()).out()).startsWith("ok: 24 events");
	}

	@Test
	void aMissingOrForeignDirectoryIsOneLineSayingWhatToGive() throws Exception {
		Result missing = varve("info", "-s", this.dir.resolve("nope").toString());
		assertThat(missing.code()).isEqualTo(VarveCli.STORE);
		assertThat(missing.err().strip()).isEqualTo("varve: no directory " + this.dir.resolve("nope")
				+ "; give the store's directory (the application's varve.path) with --store");
		Path empty = Files.createDirectories(this.dir.resolve("empty"));
		Result foreign = varve("streams", "-s", empty.toString());
		assertThat(foreign.code()).isEqualTo(VarveCli.STORE);
		assertThat(foreign.err()).contains("holds no Varve store (no data.mdb)");
		assertThat(varve("info").code()).isEqualTo(VarveCli.USAGE);
		assertThat(varve("--help").out()).contains("verify").contains("export").contains("import");
	}

}

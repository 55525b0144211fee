package io.varve.crypto;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.varve.CorruptDataException;
import io.varve.EncryptionException;
import io.varve.EventData;
import io.varve.EventFilter;
import io.varve.ExpectedVersion;
import io.varve.InvalidArgumentException;
import io.varve.RecordedEvent;
import io.varve.Varve;
import io.varve.VarveBuilder;
import io.varve.core.DefaultVarve;
import io.varve.core.storage.WriteTxn;
import io.varve.core.verify.StoreCheck;
import io.varve.crypto.EncryptedStores.Note;
import io.varve.processor.ProcessorDefinition;

import static io.varve.crypto.EncryptedStores.KEY_1;
import static io.varve.crypto.EncryptedStores.KEY_2;
import static io.varve.crypto.EncryptedStores.filesContaining;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class EncryptionAtRestTest {

	private static final String PAYLOAD_MARKER = "payload-marker-Xq7Zk2";

	private static final String METADATA_MARKER = "metadata-marker-Vb9Lw4";

	@TempDir
	Path dir;

	private Path store() {
		return this.dir.resolve("store");
	}

	private Path keyStore() {
		return this.dir.resolve("keys").resolve("keys.log");
	}

	private Varve open(byte[] key) {
		return EncryptedStores.builder(store(), LocalKeyProvider.of(key), keyStore()).open();
	}

	private static void appendMarked(Varve varve, String stream, int count) {
		for (int i = 0; i < count; i++) {
			varve.append(stream, ExpectedVersion.any(), List
				.of(EventData.of(new Note(PAYLOAD_MARKER + " " + i)).withMetadata(Map.of("user", METADATA_MARKER))));
		}
	}

	@Test
	void largeEncryptedBatchesReadInOrderWithTheirDataMetadataAndShreddedEvents() {
		try (Varve varve = open(KEY_1)) {
			for (int i = 0; i < 300; i++) {
				varve.append("customer-" + (i % 3), ExpectedVersion.any(),
						List.of(EventData.of(new Note("note " + i)).withMetadata(Map.of("n", Integer.toString(i)))));
			}
			varve.forget("customer-2");
			List<io.varve.RecordedEvent> all = varve.readAll(0, 1_000);
			assertThat(all).hasSize(300);
			for (int i = 0; i < 300; i++) {
				io.varve.RecordedEvent event = all.get(i);
				assertThat(event.position()).isEqualTo(i + 1);
				assertThat(event.isShredded()).isEqualTo(i % 3 == 2);
				if (i % 3 != 2) {
					assertThat(event.dataAs(Note.class).text()).isEqualTo("note " + i);
					assertThat(event.metadata()).containsEntry("n", Integer.toString(i));
				}
			}
			assertThat(varve.scanAll(0, io.varve.EventFilter.categories("customer"))
				.map(io.varve.RecordedEvent::position)
				.toList()).containsExactlyElementsOf(all.stream().map(io.varve.RecordedEvent::position).toList());
			assertThat(varve.readAll(0, 1_000, io.varve.EventFilter.streams("customer-1")))
				.extracting((event) -> event.dataAs(Note.class).text())
				.hasSize(100)
				.startsWith("note 1", "note 4");
		}
	}

	/**
	 * Large appends are sealed by the writer and, once it has encoded them, by the
	 * calling thread together (each event sealed for its own position, version and
	 * previous position): every event must open as itself, in order, across appends to
	 * new and existing streams, and the store must check clean.
	 */
	@Test
	void largeAppendsSealedByWriterAndCallerTogetherOpenAsThemselves() {
		int appends = 12;
		int size = 2_000;
		try (Varve varve = open(KEY_1)) {
			varve.append("order-0", ExpectedVersion.noStream(), List.of(EventData.of(new Note("first"))));
			long[] versions = { 1, 0 };
			for (int a = 0; a < appends; a++) {
				int stream = a % 2;
				List<EventData> batch = new java.util.ArrayList<>(size);
				for (int i = 0; i < size; i++) {
					batch.add(EventData.of(new Note("order-" + stream + " v" + (versions[stream] + i + 1)))
						.withMetadata(Map.of("a", Integer.toString(a))));
				}
				varve.append("order-" + stream, ExpectedVersion.exact(versions[stream]), batch);
				versions[stream] += size;
			}
			for (int stream = 0; stream < 2; stream++) {
				List<io.varve.RecordedEvent> events = varve.readStream("order-" + stream, 1, Integer.MAX_VALUE);
				assertThat(events).hasSize((int) versions[stream]);
				long previousPosition = 0;
				for (io.varve.RecordedEvent event : events) {
					assertThat(event.position()).isGreaterThan(previousPosition);
					previousPosition = event.position();
					if (event.version() > 1 || stream == 1) {
						assertThat(event.dataAs(Note.class).text())
							.isEqualTo("order-" + stream + " v" + event.version());
					}
				}
			}
			assertThat(varve.readStream("order-1", 2_000, 2)).extracting((event) -> event.metadata().get("a"))
				.containsExactly("1", "3");
			assertThat(io.varve.core.verify.StoreCheck.run(varve).breaches()).isEmpty();
		}
		try (Varve varve = open(KEY_1)) {
			assertThat(varve.scanAll(0, io.varve.EventFilter.all()).map((event) -> event.dataAs(Note.class).text()))
				.hasSize(1 + appends * size)
				.startsWith("first", "order-0 v2");
		}
	}

	@ParameterizedTest(name = "encrypted: {0}")
	@ValueSource(booleans = { true, false })
	void storeFilesJournalAndBackupHoldNoPlaintextOfAnEncryptedEvent(boolean encrypted) {
		VarveBuilder builder = Varve.builder().path(store()).eventTypes(Note.class);
		if (encrypted) {
			builder.encryption(Encryption.of(LocalKeyProvider.of(KEY_1), keyStore()));
		}
		Path backup = this.dir.resolve("backup");
		List<Path> found = new CopyOnWriteArrayList<>();
		try (Varve varve = builder.open()) {
			appendMarked(varve, "customer-1", 20);
			varve.transaction(
					io.varve.StreamAppend.of("customer-2", ExpectedVersion.noStream(),
							EventData.of(new Note(PAYLOAD_MARKER)).withMetadata(Map.of("user", METADATA_MARKER))),
					io.varve.StreamAppend.of("customer-3", ExpectedVersion.noStream(), new Note(PAYLOAD_MARKER)));
			varve.snapshots().save("customer-1", 20, 1, new Note("snapshot " + PAYLOAD_MARKER), 2).join();
			// While open, the newest events may be only in the journal.
			found.addAll(filesContaining(store(), PAYLOAD_MARKER));
			found.addAll(filesContaining(store(), METADATA_MARKER));
			varve.backup(backup);
		}
		found.addAll(filesContaining(store(), PAYLOAD_MARKER));
		found.addAll(filesContaining(store(), METADATA_MARKER));
		List<Path> inBackup = filesContaining(backup, PAYLOAD_MARKER);
		if (encrypted) {
			assertThat(found).isEmpty();
			assertThat(inBackup).isEmpty();
			assertThat(filesContaining(backup, METADATA_MARKER)).isEmpty();
			assertThat(filesContaining(store(), "customer-1")).as("stream names stay in clear").isNotEmpty();
		}
		else {
			assertThat(found).as("the search finds plaintext in a plain store").isNotEmpty();
			assertThat(inBackup).isNotEmpty();
		}
	}

	@Test
	void everyReadDecryptsAndARestartWithTheSameKeyReadsAgain() throws Exception {
		try (Varve varve = open(KEY_1)) {
			appendMarked(varve, "customer-1", 3);
			appendMarked(varve, "customer-2", 2);
			List<RecordedEvent> handled = new CopyOnWriteArrayList<>();
			varve.processors()
				.register(
						ProcessorDefinition.builder("reader").handler((event, context) -> handled.add(event)).build());
			varve.processors().start("reader");
			varve.processors().awaitProcessed("reader", 5, Duration.ofSeconds(10));
			assertThat(handled).extracting((event) -> ((Note) event.data()).text())
				.containsExactly(PAYLOAD_MARKER + " 0", PAYLOAD_MARKER + " 1", PAYLOAD_MARKER + " 2",
						PAYLOAD_MARKER + " 0", PAYLOAD_MARKER + " 1");
			assertThat(handled.get(0).metadata()).containsEntry("user", METADATA_MARKER);
		}
		try (Varve varve = open(KEY_1)) {
			assertThat(varve.isEncrypted()).isTrue();
			assertThat(varve.readStream("customer-1", 1, 10)).extracting((event) -> ((Note) event.data()).text())
				.containsExactly(PAYLOAD_MARKER + " 0", PAYLOAD_MARKER + " 1", PAYLOAD_MARKER + " 2");
			assertThat(varve.readStreamBackward("customer-2", 10, 10)).extracting(RecordedEvent::version)
				.containsExactly(2L, 1L);
			assertThat(varve.readAll(1, 10)).extracting(RecordedEvent::metadata)
				.allSatisfy((metadata) -> assertThat(metadata).containsEntry("user", METADATA_MARKER));
			RecordedEvent fourth = varve.readEvent(4).orElseThrow();
			assertThat(fourth.stream()).isEqualTo("customer-2");
			assertThat(fourth.dataAs(Note.class).text()).isEqualTo(PAYLOAD_MARKER + " 0");
			assertThat(fourth.rawData()).hasSize(fourth.dataSize());
			assertThat(fourth.isShredded()).isFalse();
			assertThat(varve.scanAll(1, EventFilter.streams("customer-2")).map(RecordedEvent::position))
				.containsExactly(4L, 5L);
			assertThat(varve.scanStream("customer-1", 2).map((event) -> event.dataAs(Note.class).text()))
				.containsExactly(PAYLOAD_MARKER + " 1", PAYLOAD_MARKER + " 2");
			appendMarked(varve, "customer-1", 1);
			assertThat(varve.readStream("customer-1", 4, 1).get(0).dataAs(Note.class).text())
				.isEqualTo(PAYLOAD_MARKER + " 0");
			StoreCheck.Report report = StoreCheck.run(varve);
			assertThat(report.breaches()).isEmpty();
			assertThat(report.events()).isEqualTo(6);
		}
	}

	@Test
	void aWrongMasterKeyOrNoEncryptionFailsToOpenWithATypedMessage() {
		try (Varve varve = open(KEY_1)) {
			appendMarked(varve, "customer-1", 1);
		}
		assertThatExceptionOfType(EncryptionException.class).isThrownBy(() -> open(KEY_2))
			.withMessageContaining(LocalKeyProvider.keyIdOf(KEY_1))
			.withMessageContaining("customer-1");
		assertThatExceptionOfType(EncryptionException.class).isThrownBy(() -> Varve.open(store()))
			.withMessageContaining("is encrypted")
			.withMessageContaining("varve.encryption.enabled");
		assertThatExceptionOfType(EncryptionException.class)
			.isThrownBy(() -> Varve.builder().path(store()).readOnly().open())
			.withMessageContaining("is encrypted");
		// Nothing was changed by the failed opens.
		try (Varve varve = open(KEY_1)) {
			assertThat(varve.readStream("customer-1", 1, 1).get(0).dataAs(Note.class).text())
				.isEqualTo(PAYLOAD_MARKER + " 0");
		}
	}

	@Test
	void aMissingKeyStoreOrAnotherStoresKeyStoreIsRefused() throws Exception {
		try (Varve varve = open(KEY_1)) {
			appendMarked(varve, "customer-1", 1);
		}
		Path elsewhere = this.dir.resolve("other-keys.log");
		assertThatExceptionOfType(EncryptionException.class)
			.isThrownBy(() -> EncryptedStores.builder(store(), LocalKeyProvider.of(KEY_1), elsewhere).open())
			.withMessageContaining("does not exist");
		try (Varve other = EncryptedStores.builder(this.dir.resolve("other"), LocalKeyProvider.of(KEY_1), elsewhere)
			.open()) {
			appendMarked(other, "x", 1);
		}
		assertThatExceptionOfType(EncryptionException.class)
			.isThrownBy(() -> EncryptedStores.builder(store(), LocalKeyProvider.of(KEY_1), elsewhere).open())
			.withMessageContaining("belongs to another store");
		assertThat(Files.exists(store().resolve("keys.log"))).isFalse();
	}

	@Test
	void aKeyStoreInsideTheStoreDirectoryIsRefused() {
		assertThatExceptionOfType(InvalidArgumentException.class)
			.isThrownBy(() -> EncryptedStores
				.builder(store(), LocalKeyProvider.of(KEY_1), store().resolve("keys").resolve("keys.log"))
				.open())
			.withMessageContaining("inside the store directory");
		assertThat(Files.exists(store())).as("refused before the store is created").isFalse();
	}

	@Test
	void aPlainStoreCannotBeOpenedWithEncryption() {
		try (Varve varve = Varve.builder().path(store()).eventTypes(Note.class).open()) {
			appendMarked(varve, "customer-1", 2);
		}
		assertThatExceptionOfType(EncryptionException.class).isThrownBy(() -> open(KEY_1))
			.withMessageContaining("holds 2 events stored in clear")
			.withMessageContaining("new encrypted store");
		Path empty = this.dir.resolve("empty");
		Varve.open(empty).close();
		assertThatExceptionOfType(EncryptionException.class)
			.isThrownBy(() -> EncryptedStores.builder(empty, LocalKeyProvider.of(KEY_1), keyStore()).open())
			.withMessageContaining("created without encryption");
		try (Varve varve = Varve.open(store())) {
			assertThat(varve.isEncrypted()).isFalse();
			assertThatExceptionOfType(InvalidArgumentException.class).isThrownBy(() -> varve.forget("customer-1"))
				.withMessageContaining("not encrypted");
		}
	}

	@Test
	void ciphertextMovedToAnotherEventOfTheStreamIsDetectedNotReturned() {
		long[] previous = new long[1];
		byte[] first;
		try (Varve varve = open(KEY_1)) {
			appendMarked(varve, "customer-1", 2);
			appendMarked(varve, "customer-2", 1);
			DefaultVarve store = (DefaultVarve) varve;
			first = store.read((txn) -> {
				var envelope = txn.event(1);
				byte[] bytes = new byte[envelope.capacity() - 4];
				envelope.getBytes(0, bytes);
				return bytes;
			});
			previous[0] = 2;
		}
		// Store event 1's sealed bytes again as the stream's version 3 at position 4: the
		// storage stamps the new position and version and a checksum that holds.
		try (Varve varve = open(KEY_1)) {
			DefaultVarve store = (DefaultVarve) varve;
			try (WriteTxn txn = store.storage().beginWrite()) {
				txn.appendEvent(4, first, 0, first.length, 3, 1_000_000L, previous[0]);
				txn.commit();
			}
		}
		try (Varve varve = open(KEY_1)) {
			assertThat(varve.readEvent(1).orElseThrow().dataAs(Note.class).text()).isEqualTo(PAYLOAD_MARKER + " 0");
			assertThatExceptionOfType(CorruptDataException.class).isThrownBy(() -> varve.readEvent(4))
				.withMessageContaining("position 4")
				.withMessageContaining("does not decrypt");
			assertThat(StoreCheck.run(varve).breaches())
				.anySatisfy((breach) -> assertThat(breach).contains("position 4").contains("does not decrypt"));
		}
	}

	@Test
	void theFilesOfARunningStoreOpenedAsAfterACrashReplayTheirJournalIntoReadableEvents() throws Exception {
		Path image = this.dir.resolve("image");
		try (Varve varve = open(KEY_1)) {
			for (int i = 0; i < 30; i++) {
				appendMarked(varve, "customer-" + (i % 3), 1);
			}
			// What the disk holds while the store runs: the journal has what
			// the data file may not have yet.
			Files.createDirectories(image);
			try (var files = Files.list(store())) {
				for (Path file : files.toList()) {
					if (!file.getFileName().toString().equals("lock.mdb")) {
						Files.copy(file, image.resolve(file.getFileName()));
					}
				}
			}
		}
		try (Varve varve = EncryptedStores.builder(image, LocalKeyProvider.of(KEY_1), keyStore()).open()) {
			assertThat(varve.readAll(1, 100)).hasSize(30)
				.allSatisfy((event) -> assertThat(event.dataAs(Note.class).text()).startsWith(PAYLOAD_MARKER));
			assertThat(StoreCheck.run(varve).ok()).isTrue();
		}
	}

	@Test
	void anEncryptedReplicaSealsWhatItsPlainSourceFeedsIt() {
		List<io.varve.ReplicatedEvent> feed;
		try (Varve source = Varve.builder().path(this.dir.resolve("source")).eventTypes(Note.class).open()) {
			appendMarked(source, "customer-1", 3);
			appendMarked(source, "customer-2", 2);
			feed = source.readAll(1, 10).stream().map(io.varve.ReplicatedEvent::of).toList();
		}
		try (Varve replica = EncryptedStores.builder(store(), LocalKeyProvider.of(KEY_1), keyStore())
			.replica()
			.open()) {
			assertThat(io.varve.Replication.of(replica).apply(feed)).isEqualTo(5);
			assertThat(replica.readStream("customer-2", 1, 10)).extracting((event) -> event.dataAs(Note.class).text())
				.containsExactly(PAYLOAD_MARKER + " 0", PAYLOAD_MARKER + " 1");
			assertThat(replica.readEvent(1).orElseThrow().metadata()).containsEntry("user", METADATA_MARKER);
		}
		assertThat(filesContaining(store(), PAYLOAD_MARKER)).isEmpty();
		assertThat(filesContaining(store(), METADATA_MARKER)).isEmpty();
	}

	@Test
	void snapshotsAreSealedUnderTheirStreamsKeyAndBoundToTheirVersion() {
		try (Varve varve = open(KEY_1)) {
			appendMarked(varve, "customer-1", 2);
			varve.snapshots().save("customer-1", 2, 3, new Note("state"), 2).join();
			io.varve.Snapshot latest = varve.snapshots().latest("customer-1").orElseThrow();
			assertThat(latest.version()).isEqualTo(2);
			assertThat(latest.schemaVersion()).isEqualTo(3);
			assertThat(varve.snapshots().decode(latest, Note.class)).isEqualTo(new Note("state"));
			// A sealed state copied under another version's key does not open.
			DefaultVarve store = (DefaultVarve) varve;
			byte[] name = "customer-1".getBytes(java.nio.charset.StandardCharsets.UTF_8);
			byte[] stored = store.read((txn) -> {
				var value = txn.get(io.varve.core.storage.AuxTable.SNAPSHOTS, snapshotKey(name, 2));
				byte[] copy = new byte[value.capacity()];
				value.getBytes(0, copy);
				return copy;
			});
			io.varve.core.write.RawWrites.apply(store,
					(txn) -> txn.put(io.varve.core.storage.AuxTable.SNAPSHOTS, snapshotKey(name, 3), stored));
			assertThatExceptionOfType(CorruptDataException.class)
				.isThrownBy(() -> varve.snapshots().latest("customer-1"))
				.withMessageContaining("does not decrypt");
		}
	}

	private static byte[] snapshotKey(byte[] stream, long version) {
		return java.nio.ByteBuffer.allocate(stream.length + 9).put(stream).put((byte) 0).putLong(version).array();
	}

	@Test
	void aKeyIsInTheKeyStoreFileOnceTheAppendThatNeededItReturns() throws Exception {
		EncryptedStores.RecordingKeyProvider provider = new EncryptedStores.RecordingKeyProvider(
				LocalKeyProvider.of(KEY_1));
		try (Varve varve = EncryptedStores.builder(store(), provider, keyStore()).open()) {
			appendMarked(varve, "customer-1", 1);
			byte[] file = Files.readAllBytes(keyStore());
			assertThat(EncryptedStores.contains(file, provider.wrapped.get("customer-1").get(0))).isTrue();
		}
	}

}

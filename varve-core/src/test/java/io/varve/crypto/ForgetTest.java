package io.varve.crypto;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.varve.EventData;
import io.varve.EventShreddedException;
import io.varve.ExpectedVersion;
import io.varve.RecordedEvent;
import io.varve.StreamDeletedException;
import io.varve.StreamForgottenException;
import io.varve.Varve;
import io.varve.core.verify.StoreCheck;
import io.varve.crypto.EncryptedStores.Note;
import io.varve.crypto.EncryptedStores.RecordingKeyProvider;
import io.varve.processor.ProcessorDefinition;

import static io.varve.crypto.EncryptedStores.KEY_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class ForgetTest {

	private static final String FORGOTTEN = "customer-7f3a";

	private static final String KEPT = "customer-8b2c";

	@TempDir
	Path dir;

	private final RecordingKeyProvider provider = new RecordingKeyProvider(LocalKeyProvider.of(KEY_1));

	private Varve open(Path store) {
		return EncryptedStores.builder(store, this.provider, keyStore()).open();
	}

	private Path keyStore() {
		return this.dir.resolve("keys").resolve("keys.log");
	}

	private void fill(Varve varve) {
		for (int i = 0; i < 3; i++) {
			varve.append(FORGOTTEN, ExpectedVersion.any(),
					List.of(EventData.of(new Note("secret " + i)).withMetadata(Map.of("ip", "10.0.0." + i))));
			varve.append(KEPT, ExpectedVersion.any(), new Note("kept " + i));
		}
	}

	@Test
	void aForgottenStreamsEventsReadAsShreddedWithTheirEnvelopeAndOtherStreamsAreUnaffected() {
		Path store = this.dir.resolve("store");
		try (Varve varve = open(store)) {
			fill(varve);
			assertThat(varve.forget(FORGOTTEN)).isTrue();
			assertThat(varve.forget(FORGOTTEN)).as("already forgotten").isFalse();
			assertThat(varve.forget("never-written")).isFalse();
			List<RecordedEvent> events = varve.readStream(FORGOTTEN, 1, 10);
			assertThat(events).hasSize(3).allSatisfy((event) -> {
				assertThat(event.isShredded()).isTrue();
				assertThat(event.stream()).isEqualTo(FORGOTTEN);
				assertThat(event.type()).isEqualTo("note");
				assertThat(event.id()).isNotNull();
				assertThat(event.timestamp()).isNotNull();
				assertThatExceptionOfType(EventShreddedException.class).isThrownBy(event::data)
					.withMessageContaining("position " + event.position())
					.withMessageContaining("Varve.forget");
				assertThatExceptionOfType(EventShreddedException.class).isThrownBy(event::metadata);
				assertThat(event.dataSize()).isZero();
				assertThat(event.hasMetadata()).isFalse();
				assertThatExceptionOfType(EventShreddedException.class).isThrownBy(event::rawData);
				assertThatExceptionOfType(EventShreddedException.class).isThrownBy(() -> event.dataAs(Note.class));
			});
			assertThat(events).extracting(RecordedEvent::version).containsExactly(1L, 2L, 3L);
			assertThat(events).extracting(RecordedEvent::position).containsExactly(1L, 3L, 5L);
			assertThat(varve.readEvent(3).orElseThrow().isShredded()).isTrue();
			assertThat(varve.readStream(KEPT, 1, 10)).extracting((event) -> event.dataAs(Note.class).text())
				.containsExactly("kept 0", "kept 1", "kept 2");
			assertThat(varve.readAll(1, 10)).extracting(RecordedEvent::isShredded)
				.containsExactly(true, false, true, false, true, false);
			StoreCheck.Report report = StoreCheck.run(varve);
			assertThat(report.ok()).isTrue();
			assertThat(report.shredded()).isEqualTo(3);
		}
	}

	@Test
	void aForgottenStreamDeletedAndReCreatedStartsANewLifeUnderANewKey() throws Exception {
		Path store = this.dir.resolve("store");
		Path backup = this.dir.resolve("backup");
		try (Varve varve = open(store)) {
			fill(varve);
			varve.backup(backup);
			assertThat(varve.forget(FORGOTTEN)).isTrue();
			assertThatExceptionOfType(StreamForgottenException.class)
				.isThrownBy(() -> varve.append(FORGOTTEN, ExpectedVersion.exact(3), new Note("again")));
			varve.deleteStream(FORGOTTEN, ExpectedVersion.exact(3));
			assertThat(varve.readStream(FORGOTTEN, 1, 10)).isEmpty();
			assertThatExceptionOfType(StreamDeletedException.class)
				.isThrownBy(() -> varve.append(FORGOTTEN, ExpectedVersion.any(), new Note("again")));
			varve.append(FORGOTTEN, ExpectedVersion.recreate(), new Note("new life"));
			assertThat(varve.readStream(FORGOTTEN, 1, 10)).singleElement().satisfies((event) -> {
				assertThat(event.version()).isEqualTo(4);
				assertThat(event.dataAs(Note.class).text()).isEqualTo("new life");
			});
			// Truncating an encrypted stream deletes its sealed events like plain ones.
			varve.truncateBefore(KEPT, 3);
			assertThat(varve.readStream(KEPT, 1, 10)).extracting((event) -> event.dataAs(Note.class).text())
				.containsExactly("kept 2");
			assertThat(StoreCheck.run(varve).breaches()).isEmpty();
		}
		// The backup taken before the forget holds the old life's events: with the key
		// store as it is now, they read as shredded.
		try (Varve old = EncryptedStores.builder(backup, this.provider, keyStore()).readOnly().open()) {
			assertThat(old.readStream(FORGOTTEN, 1, 10)).hasSize(3).allMatch(RecordedEvent::isShredded);
		}
	}

	@Test
	void processorsSkipShreddedEventsUnlessTheyAskForThem() {
		try (Varve varve = open(this.dir.resolve("store"))) {
			fill(varve);
			varve.forget(FORGOTTEN);
			List<RecordedEvent> byDefault = new CopyOnWriteArrayList<>();
			List<RecordedEvent> all = new CopyOnWriteArrayList<>();
			varve.processors().register(ProcessorDefinition.builder("default").handler((event, context) -> {
				// Every event handed over can be decoded.
				event.dataAs(Note.class);
				byDefault.add(event);
			}).build());
			varve.processors()
				.register(ProcessorDefinition.builder("everything")
					.receiveShredded()
					.handler((event, context) -> all.add(event))
					.build());
			varve.processors().startAll();
			varve.processors().awaitProcessed("default", 6, Duration.ofSeconds(10));
			varve.processors().awaitProcessed("everything", 6, Duration.ofSeconds(10));
			assertThat(byDefault).extracting(RecordedEvent::stream).containsOnly(KEPT).hasSize(3);
			assertThat(all).extracting(RecordedEvent::isShredded)
				.containsExactly(true, false, true, false, true, false);
		}
	}

	@Test
	void appendsToAForgottenStreamAreRefusedWithTheWayForward() {
		try (Varve varve = open(this.dir.resolve("store"))) {
			fill(varve);
			varve.forget(FORGOTTEN);
			assertThatExceptionOfType(StreamForgottenException.class)
				.isThrownBy(() -> varve.append(FORGOTTEN, ExpectedVersion.any(), new Note("again")))
				.withMessageContaining("new stream name")
				.satisfies((ex) -> assertThat(ex.stream()).isEqualTo(FORGOTTEN));
			assertThatExceptionOfType(StreamForgottenException.class).isThrownBy(
					() -> varve.transaction(io.varve.StreamAppend.of(KEPT, ExpectedVersion.any(), new Note("kept 3")),
							io.varve.StreamAppend.of(FORGOTTEN, ExpectedVersion.any(), new Note("again"))));
			assertThat(varve.streamInfo(KEPT).orElseThrow().version()).as("the transaction wrote nothing").isEqualTo(3);
			assertThat(varve.streamInfo(FORGOTTEN).orElseThrow().version()).isEqualTo(3);
		}
	}

	@Test
	void aBackupTakenBeforeTheForgetIsShreddedTooAndTheKeyIsGoneFromTheKeyStoreFile() throws Exception {
		Path store = this.dir.resolve("store");
		Path backup = this.dir.resolve("backup");
		try (Varve varve = open(store)) {
			fill(varve);
			varve.backup(backup);
			byte[] wrapped = this.provider.wrapped.get(FORGOTTEN).get(0);
			assertThat(EncryptedStores.contains(Files.readAllBytes(keyStore()), wrapped)).isTrue();
			varve.forget(FORGOTTEN);
			byte[] keys = Files.readAllBytes(keyStore());
			assertThat(EncryptedStores.contains(keys, wrapped)).isFalse();
			assertThat(EncryptedStores.filesContaining(keyStore().getParent(), FORGOTTEN)).isEmpty();
			assertThat(EncryptedStores.contains(keys, this.provider.wrapped.get(KEPT).get(0))).isTrue();
		}
		try (Varve restarted = open(store)) {
			assertThat(restarted.readStream(FORGOTTEN, 1, 10)).extracting(RecordedEvent::isShredded)
				.containsExactly(true, true, true);
			assertThat(restarted.readStream(KEPT, 1, 10)).extracting(RecordedEvent::isShredded)
				.containsExactly(false, false, false);
		}
		try (Varve restored = open(backup)) {
			assertThat(restored.readStream(FORGOTTEN, 1, 10)).extracting(RecordedEvent::isShredded)
				.containsExactly(true, true, true);
			assertThat(restored.readStream(KEPT, 1, 10)).extracting((event) -> event.dataAs(Note.class).text())
				.containsExactly("kept 0", "kept 1", "kept 2");
		}
	}

	@Test
	void forgettingDeletesTheStreamsSnapshots() {
		try (Varve varve = open(this.dir.resolve("store"))) {
			fill(varve);
			varve.snapshots().save(FORGOTTEN, 3, 1, new Note("state with secrets"), 2).join();
			varve.snapshots().save(KEPT, 3, 1, new Note("kept state"), 2).join();
			varve.forget(FORGOTTEN);
			assertThat(varve.snapshots().latest(FORGOTTEN)).isEmpty();
			assertThat(varve.snapshots().latest(KEPT)).isPresent();
			assertThatExceptionOfType(java.util.concurrent.CompletionException.class)
				.isThrownBy(() -> varve.snapshots().save(FORGOTTEN, 3, 1, new Note("again"), 2).join())
				.withCauseInstanceOf(StreamForgottenException.class);
		}
	}

}

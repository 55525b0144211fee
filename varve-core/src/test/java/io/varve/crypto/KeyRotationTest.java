package io.varve.crypto;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.varve.EncryptionException;
import io.varve.ExpectedVersion;
import io.varve.RecordedEvent;
import io.varve.Varve;
import io.varve.core.DefaultVarve;
import io.varve.crypto.EncryptedStores.Note;

import static io.varve.crypto.EncryptedStores.KEY_1;
import static io.varve.crypto.EncryptedStores.KEY_2;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class KeyRotationTest {

	@TempDir
	Path dir;

	private Varve open(KeyProvider provider) {
		return EncryptedStores.builder(this.dir.resolve("store"), provider, this.dir.resolve("keys.log")).open();
	}

	private static List<byte[]> storedEnvelopes(Varve varve) {
		return ((DefaultVarve) varve).read((txn) -> {
			List<byte[]> envelopes = new ArrayList<>();
			txn.scanLog(1, (position, envelope) -> {
				byte[] bytes = new byte[envelope.capacity()];
				envelope.getBytes(0, bytes);
				envelopes.add(bytes);
				return true;
			});
			return envelopes;
		});
	}

	@Test
	void afterRotationOnlyTheNewMasterKeyIsNeededAndNoEventChanged() throws Exception {
		List<byte[]> before;
		try (Varve varve = open(LocalKeyProvider.of(KEY_1))) {
			varve.append("a-1", ExpectedVersion.noStream(), new Note("one"), new Note("two"));
			varve.append("b-1", ExpectedVersion.noStream(), new Note("three"));
			before = storedEnvelopes(varve);
		}
		byte[] keyStoreBefore = Files.readAllBytes(this.dir.resolve("keys.log"));
		LocalKeyProvider rotating = LocalKeyProvider.of(KEY_2).withPrevious(LocalKeyProvider.of(KEY_1));
		try (Varve varve = open(rotating)) {
			assertThat(varve.rotateKeys()).isEqualTo(2);
			assertThat(varve.rotateKeys()).as("nothing left to rewrap").isZero();
			varve.append("c-1", ExpectedVersion.noStream(), new Note("four"));
		}
		assertThat(Files.readAllBytes(this.dir.resolve("keys.log"))).isNotEqualTo(keyStoreBefore);
		assertThatExceptionOfType(EncryptionException.class).isThrownBy(() -> open(LocalKeyProvider.of(KEY_1)))
			.withMessageContaining(LocalKeyProvider.keyIdOf(KEY_2));
		try (Varve varve = open(LocalKeyProvider.of(KEY_2))) {
			List<byte[]> after = storedEnvelopes(varve);
			assertThat(after.subList(0, 3)).zipSatisfy(before, (a, b) -> assertThat(a).isEqualTo(b));
			assertThat(varve.readAll(1, 10)).extracting((RecordedEvent event) -> event.dataAs(Note.class).text())
				.containsExactly("one", "two", "three", "four");
		}
	}

	@Test
	void rotatingWithoutThePreviousKeyFailsAndChangesNothing() throws Exception {
		try (Varve varve = open(LocalKeyProvider.of(KEY_1))) {
			varve.append("a-1", ExpectedVersion.noStream(), new Note("one"));
		}
		byte[] keyStore = Files.readAllBytes(this.dir.resolve("keys.log"));
		// The provider has only the new key: the store's keys cannot be unwrapped.
		assertThatExceptionOfType(EncryptionException.class).isThrownBy(() -> open(LocalKeyProvider.of(KEY_2)))
			.withMessageContaining("withPrevious");
		assertThat(Files.readAllBytes(this.dir.resolve("keys.log"))).isEqualTo(keyStore);
	}

}

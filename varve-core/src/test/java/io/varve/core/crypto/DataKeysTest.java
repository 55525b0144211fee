package io.varve.core.crypto;

import java.nio.file.Path;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.varve.ReadOnlyStoreException;
import io.varve.crypto.Encryption;
import io.varve.crypto.LocalKeyProvider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class DataKeysTest {

	@TempDir
	Path dir;

	private final Encryption encryption = Encryption.of(LocalKeyProvider.of(new byte[32]),
			Path.of("unused").toAbsolutePath());

	private DataKeys open(UUID storeId, boolean readOnly) {
		return DataKeys.open(Encryption.of(this.encryption.keyProvider(), this.dir.resolve("keys.log")),
				this.dir.resolve("store"), storeId, true, readOnly);
	}

	@Test
	void aReadOnlyProcessSeesKeysTheWriterMadeAndForgotSinceItOpened() {
		UUID storeId = UUID.randomUUID();
		try (DataKeys writer = DataKeys.open(Encryption.of(this.encryption.keyProvider(), this.dir.resolve("keys.log")),
				this.dir.resolve("store"), storeId, false, false)) {
			DataKeys.Key first = writer.create("a");
			writer.sync();
			try (DataKeys reader = open(storeId, true)) {
				assertThat(reader.secret(first.id())).isEqualTo(writer.secret(first));
				DataKeys.Key second = writer.create("b");
				writer.sync();
				assertThat(reader.secret(second.id())).as("made after the reader opened")
					.isEqualTo(writer.secret(second));
				writer.forget("a");
				writer.create("c");
				writer.sync();
				assertThat(reader.secret(12345L)).as("an unknown id reloads the changed key store").isNull();
				assertThat(reader.secret(first.id())).as("forgotten by the writer").isNull();
				assertThatExceptionOfType(ReadOnlyStoreException.class).isThrownBy(() -> reader.create("d"));
			}
		}
	}

	@Test
	void twoSealsOfTheSameEventDifferAndBothOpen() {
		UUID storeId = UUID.randomUUID();
		try (DataKeys keys = DataKeys.open(Encryption.of(this.encryption.keyProvider(), this.dir.resolve("keys.log")),
				this.dir.resolve("store"), storeId, false, false)) {
			DataKeys.Key key = keys.create("a");
			EventCipher cipher = new EventCipher(keys);
			byte[] envelope = io.varve.core.codec.Envelope.encode(UUID.randomUUID(), null, null, "t".getBytes(), 1,
					"a".getBytes(), null, new byte[] { 1, 2, 3 });
			byte[] one = cipher.seal(key, envelope, 0, envelope.length, 1, 1, 5, 0);
			byte[] two = cipher.seal(key, envelope, 0, envelope.length, 1, 1, 5, 0);
			assertThat(one).isNotEqualTo(two).hasSameSizeAs(two);
		}
	}

}

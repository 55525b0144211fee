package io.varve.crypto;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.varve.EncryptionException;
import io.varve.InvalidArgumentException;

import static io.varve.crypto.EncryptedStores.KEY_1;
import static io.varve.crypto.EncryptedStores.KEY_2;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class LocalKeyProviderTest {

	@TempDir
	Path dir;

	private static final byte[] CONTEXT = "context".getBytes(StandardCharsets.US_ASCII);

	@Test
	void aKeyFileHoldsRawBytesOrBase64AndNamesTheSameKey() throws Exception {
		Path raw = Files.write(this.dir.resolve("raw.key"), KEY_1);
		Path text = Files.writeString(this.dir.resolve("text.key"), Base64.getEncoder().encodeToString(KEY_1) + "\n");
		LocalKeyProvider fromRaw = LocalKeyProvider.fromFile(raw);
		LocalKeyProvider fromText = LocalKeyProvider.fromFile(text);
		assertThat(fromRaw.currentKeyId()).isEqualTo(fromText.currentKeyId())
			.isEqualTo(LocalKeyProvider.keyIdOf(KEY_1))
			.startsWith("local-")
			.isNotEqualTo(LocalKeyProvider.keyIdOf(KEY_2));
		byte[] dataKey = new byte[32];
		dataKey[3] = 7;
		byte[] wrapped = fromRaw.wrap(fromRaw.currentKeyId(), dataKey, CONTEXT);
		assertThat(fromText.unwrap(fromText.currentKeyId(), wrapped, CONTEXT)).isEqualTo(dataKey);
		assertThat(EncryptedStores.contains(wrapped, dataKey)).isFalse();
	}

	@Test
	void unwrappingNeedsTheSameKeyAndContext() {
		LocalKeyProvider one = LocalKeyProvider.of(KEY_1);
		byte[] wrapped = one.wrap(one.currentKeyId(), new byte[32], CONTEXT);
		assertThatExceptionOfType(EncryptionException.class)
			.isThrownBy(() -> one.unwrap(one.currentKeyId(), wrapped, "other".getBytes(StandardCharsets.US_ASCII)));
		LocalKeyProvider two = LocalKeyProvider.of(KEY_2);
		assertThatExceptionOfType(EncryptionException.class)
			.isThrownBy(() -> two.unwrap(one.currentKeyId(), wrapped, CONTEXT))
			.withMessageContaining("has no master key " + one.currentKeyId());
		assertThat(two.withPrevious(one).unwrap(one.currentKeyId(), wrapped, CONTEXT)).hasSize(32);
	}

	@Test
	void badKeysAreRefusedWithHowToMakeOne() throws Exception {
		assertThatExceptionOfType(InvalidArgumentException.class).isThrownBy(() -> LocalKeyProvider.of(new byte[16]))
			.withMessageContaining("32 bytes");
		assertThatExceptionOfType(InvalidArgumentException.class).isThrownBy(() -> LocalKeyProvider.ofBase64("%%"))
			.withMessageContaining("base64");
		Path shortFile = Files.writeString(this.dir.resolve("short.key"), "c2hvcnQ=");
		assertThatExceptionOfType(InvalidArgumentException.class).isThrownBy(() -> LocalKeyProvider.fromFile(shortFile))
			.withMessageContaining(shortFile.getFileName().toString());
		assertThatExceptionOfType(EncryptionException.class)
			.isThrownBy(() -> LocalKeyProvider.fromFile(this.dir.resolve("missing.key")));
		assertThatExceptionOfType(EncryptionException.class)
			.isThrownBy(() -> LocalKeyProvider.fromEnvironment("VARVE_TEST_SURELY_UNSET_MASTER_KEY"));
		assertThat(Base64.getDecoder().decode(LocalKeyProvider.generateKey())).hasSize(32);
	}

}

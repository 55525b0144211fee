package io.varve.boot.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.varve.EncryptionException;
import io.varve.ExpectedVersion;
import io.varve.InvalidArgumentException;
import io.varve.RecordedEvent;
import io.varve.Varve;
import io.varve.crypto.KeyProvider;
import io.varve.crypto.LocalKeyProvider;

import static org.assertj.core.api.Assertions.assertThat;

class VarveEncryptionAutoConfigurationTests {

	private static final String KEY = "q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA=";

	private static final String OTHER_KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(VarveAutoConfiguration.class));

	@TempDir
	Path dir;

	record Note(String text) {
	}

	private String[] encrypted(String... more) {
		String[] base = { "varve.path=" + this.dir.resolve("store"), "varve.encryption.enabled=true",
				"varve.encryption.key-store-path=" + this.dir.resolve("keys").resolve("keys.log") };
		String[] all = new String[base.length + more.length];
		System.arraycopy(base, 0, all, 0, base.length);
		System.arraycopy(more, 0, all, base.length, more.length);
		return all;
	}

	@Test
	void theMasterKeyPropertyOpensAnEncryptedStoreWhoseFilesHoldNoPayload() throws Exception {
		this.contextRunner.withPropertyValues(encrypted("varve.encryption.master-key=" + KEY)).run((context) -> {
			Varve varve = context.getBean(Varve.class);
			assertThat(varve.isEncrypted()).isTrue();
			varve.append("customer-1", ExpectedVersion.noStream(), new Note("marker-7Hq2"));
			assertThat(varve.readStream("customer-1", 1, 1))
				.extracting((RecordedEvent event) -> event.dataAs(Note.class))
				.containsExactly(new Note("marker-7Hq2"));
		});
		assertThat(Files.exists(this.dir.resolve("keys").resolve("keys.log"))).isTrue();
		try (var files = Files.walk(this.dir.resolve("store"))) {
			for (Path file : files.filter(Files::isRegularFile).toList()) {
				assertThat(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1)).as(file.toString())
					.doesNotContain("marker-7Hq2");
			}
		}
	}

	@Test
	void theMasterKeyFilePropertyReadsTheKeyFromAFile() throws Exception {
		Path keyFile = Files.writeString(this.dir.resolve("master.key"), KEY);
		this.contextRunner.withPropertyValues(encrypted("varve.encryption.master-key-file=" + keyFile))
			.run((context) -> {
				Varve varve = context.getBean(Varve.class);
				varve.append("customer-1", ExpectedVersion.noStream(), new Note("one"));
			});
		// The same key given as a property opens the store.
		this.contextRunner.withPropertyValues(encrypted("varve.encryption.master-key=" + KEY))
			.run((context) -> assertThat(context.getBean(Varve.class).readStream("customer-1", 1, 1)).hasSize(1));
	}

	@Test
	void aKeyProviderBeanWinsOverTheMasterKeyProperties() {
		this.contextRunner.withPropertyValues(encrypted("varve.encryption.master-key=" + OTHER_KEY))
			.withBean(KeyProvider.class, () -> LocalKeyProvider.ofBase64(KEY))
			.run((context) -> context.getBean(Varve.class)
				.append("customer-1", ExpectedVersion.noStream(), new Note("one")));
		this.contextRunner.withPropertyValues(encrypted("varve.encryption.master-key=" + KEY))
			.run((context) -> assertThat(context.getBean(Varve.class).readStream("customer-1", 1, 1)).hasSize(1));
		this.contextRunner.withPropertyValues(encrypted("varve.encryption.master-key=" + OTHER_KEY))
			.run((context) -> assertThat(context).getFailure()
				.hasRootCauseInstanceOf(EncryptionException.class)
				.rootCause()
				.hasMessageContaining(LocalKeyProvider.keyIdOf(java.util.Base64.getDecoder().decode(KEY))));
	}

	@Test
	void encryptionWithoutAKeyStorePathOrAMasterKeyFailsWithWhatToSet() {
		this.contextRunner
			.withPropertyValues("varve.path=" + this.dir.resolve("store"), "varve.encryption.enabled=true",
					"varve.encryption.master-key=" + KEY)
			.run((context) -> assertThat(context).getFailure()
				.hasRootCauseInstanceOf(InvalidArgumentException.class)
				.rootCause()
				.hasMessageContaining("varve.encryption.key-store-path"));
		this.contextRunner.withPropertyValues(encrypted())
			.run((context) -> assertThat(context).getFailure()
				.hasRootCauseInstanceOf(InvalidArgumentException.class)
				.rootCause()
				.hasMessageContaining("varve.encryption.master-key"));
	}

	@Test
	void anEncryptedStoreDoesNotOpenWithoutEncryption() {
		this.contextRunner.withPropertyValues(encrypted("varve.encryption.master-key=" + KEY))
			.run((context) -> context.getBean(Varve.class)
				.append("customer-1", ExpectedVersion.noStream(), new Note("one")));
		this.contextRunner.withPropertyValues("varve.path=" + this.dir.resolve("store"))
			.run((context) -> assertThat(context).getFailure()
				.hasRootCauseInstanceOf(EncryptionException.class)
				.rootCause()
				.hasMessageContaining("varve.encryption.enabled"));
	}

}

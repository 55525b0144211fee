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
import io.varve.boot.VarveHandler;
import io.varve.boot.VarveProcessor;
import io.varve.boot.autoconfigure.processor.VarveProcessorAutoConfiguration;
import io.varve.crypto.Encryption;
import io.varve.crypto.KeyProvider;
import io.varve.crypto.LocalKeyProvider;
import io.varve.processor.ProjectionStore;
import io.varve.processor.ProjectionView;

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

	@VarveProcessor(name = "customers", categories = "customer", shredded = true)
	static class Customers {

		@VarveHandler
		void on(Note note, RecordedEvent event, ProjectionStore store) {
			store.put("customers", event.stream(), note.text());
		}

		@VarveHandler
		void on(RecordedEvent event, ProjectionStore store) {
			if (event.isShredded()) {
				store.delete("customers", event.stream());
				store.put("forgotten", event.stream(), event.position());
			}
		}

	}

	@VarveProcessor(name = "typed-only", shredded = true)
	static class TypedOnly {

		@VarveHandler
		void on(Note note) {
		}

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

	/**
	 * A processor declared with {@code shredded = true} gets the events of a forgotten
	 * stream at its method taking {@code RecordedEvent} (to delete what it projected from
	 * them), never at its typed method (a shredded event has no data to decode).
	 */
	@Test
	void aProcessorAskingForShreddedEventsGetsThemAtItsMethodTakingEveryEvent() {
		Path store = this.dir.resolve("store");
		Encryption encryption = Encryption.of(LocalKeyProvider.ofBase64(KEY),
				this.dir.resolve("keys").resolve("keys.log"));
		try (Varve varve = Varve.builder().path(store).encryption(encryption).open()) {
			varve.append("customer-1", ExpectedVersion.noStream(), new Note("ann"), new Note("ann again"));
			varve.append("customer-2", ExpectedVersion.noStream(), new Note("bob"));
			varve.forget("customer-1");
		}
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(VarveAutoConfiguration.class, VarveProcessorAutoConfiguration.class))
			.withPropertyValues(encrypted("varve.encryption.master-key=" + KEY))
			.withBean(Customers.class, Customers::new)
			.run((context) -> {
				Varve varve = context.getBean(Varve.class);
				varve.processors().awaitProcessed("customers", varve.headPosition(), java.time.Duration.ofSeconds(20));
				ProjectionView projections = varve.processors().projections();
				assertThat(projections.get("customers", "customer-2", String.class)).contains("bob");
				assertThat(projections.get("customers", "customer-1", String.class)).isEmpty();
				assertThat(projections.get("forgotten", "customer-1", Long.class)).contains(2L);
			});
	}

	@Test
	void askingForShreddedEventsWithoutAMethodTakingEveryEventFailsTheStart() {
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(VarveAutoConfiguration.class, VarveProcessorAutoConfiguration.class))
			.withPropertyValues(encrypted("varve.encryption.master-key=" + KEY))
			.withBean(TypedOnly.class, TypedOnly::new)
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("shredded = true, but no @VarveHandler method takes RecordedEvent"));
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

package io.varve.boot.autoconfigure.diagnostics;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.varve.EventType;
import io.varve.ExpectedVersion;
import io.varve.StorePathException;
import io.varve.Varve;
import io.varve.boot.autoconfigure.StoreHolder;
import io.varve.boot.autoconfigure.VarveAutoConfiguration;
import io.varve.crypto.Encryption;
import io.varve.crypto.LocalKeyProvider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Each start-up failure Varve knows is reported as Spring Boot reports its own: a
 * Description and an Action naming the property, instead of a stack trace.
 */
@ExtendWith(OutputCaptureExtension.class)
class VarveFailureAnalyzersTests {

	@TempDir
	Path dir;

	@Test
	void aStoreAnotherProcessHoldsIsReportedWithWhatToDo(CapturedOutput output) throws Exception {
		Path store = this.dir.resolve("store");
		try (StoreHolder holder = StoreHolder.hold(store, this.dir)) {
			failToStart(VarveApplication.class, "--varve.path=" + store);
			assertThat(report(output)).contains("Varve could not open its store: the store is already open.")
				.contains("is open for writing by another process (pid " + holder.pid() + ")")
				.contains("Property: varve.path", "Value: " + store)
				.contains("Origin: \"varve.path\" from property source \"commandLineArgs\"")
				.contains("Stop the process that has the store open", "set varve.read-only=true");
		}
	}

	@Test
	void aStoreOpenInThisJvmPointsAtSharingItOrASeparatePath(CapturedOutput output) {
		try (Varve open = Varve.open(this.dir)) {
			failToStart(VarveApplication.class, "--varve.path=" + this.dir);
		}
		assertThat(report(output)).contains("is already open in this JVM")
			.contains("share that Varve bean, or give each context its own varve.path");
	}

	@Test
	void aPathThatCannotHoldAStoreNamesThePropertyAndItsFix(CapturedOutput output) {
		failToStart(UnusablePathApplication.class, "--varve.path=" + this.dir.resolve("events"));
		assertThat(report(output)).contains("Varve could not open its store: the store path cannot hold a store.")
			.contains("is a regular file, not a directory")
			.contains("Property: varve.path", "Value: " + this.dir.resolve("events"))
			.contains("Set varve.path to a directory that this process can create or already owns")
			.contains("correct the permissions of " + this.dir.resolve("events").toAbsolutePath());
	}

	@Test
	void theDefaultPathIsShownAbsoluteWhenVarvePathIsNotSet(CapturedOutput output) {
		failToStart(UnusablePathApplication.class);
		assertThat(report(output)).contains("Property: varve.path")
			.contains("Value: varve-data (absolute: " + Path.of("varve-data").toAbsolutePath() + ")")
			.contains("Origin: not set, so the default");
	}

	@Test
	void aDamagedStoreFileIsReportedWithRestoringFromABackup(CapturedOutput output) throws Exception {
		Files.createDirectories(this.dir);
		Files.write(this.dir.resolve("data.mdb"), new byte[0]);
		failToStart(VarveApplication.class, "--varve.path=" + this.dir);
		assertThat(report(output)).contains("Varve found its store damaged.")
			.contains("is damaged: it is empty (0 bytes)")
			.contains("Restore the store from a backup made with Varve.backup")
			.contains("point varve.path at a new directory");
	}

	@Test
	void anEncryptedStoreOpenedWithoutEncryptionNamesTheEncryptionProperties(CapturedOutput output) {
		Path store = this.dir.resolve("store");
		Path keys = this.dir.resolve("keys.log");
		try (Varve encrypted = Varve.builder()
			.path(store)
			.encryption(Encryption.of(LocalKeyProvider.ofBase64(LocalKeyProvider.generateKey()), keys))
			.open()) {
			encrypted.headPosition();
		}
		failToStart(VarveApplication.class, "--varve.path=" + store);
		assertThat(report(output))
			.contains("Varve could not open its store: its encryption settings do not fit the store.")
			.contains("is encrypted")
			.contains("Property: varve.encryption.enabled")
			.contains("Open an encrypted store with varve.encryption.enabled=true");
	}

	@Test
	void aStoreFromAMachineOfTheOtherByteOrderIsReportedAsIncompatible(CapturedOutput output) throws Exception {
		Varve.open(this.dir).close();
		try (FileChannel data = FileChannel.open(this.dir.resolve("data.mdb"), StandardOpenOption.READ,
				StandardOpenOption.WRITE)) {
			ByteBuffer magic = ByteBuffer.allocate(4);
			data.read(magic, 16);
			byte[] swapped = { magic.get(3), magic.get(2), magic.get(1), magic.get(0) };
			data.write(ByteBuffer.wrap(swapped), 16);
		}
		failToStart(VarveApplication.class, "--varve.path=" + this.dir);
		assertThat(report(output)).contains("the directory holds data this version of Varve cannot read")
			.contains("was written on a machine of the other byte order")
			.contains("Point varve.path at this application's store or at a new directory");
	}

	@Test
	void aStoreFullDuringStartupNamesTheMaximumMapSize(CapturedOutput output) {
		failToStart(FillingApplication.class, "--varve.path=" + this.dir, "--varve.max-map-size=2MB",
				"--varve.durability=no-sync");
		assertThat(report(output)).contains("The Varve store reached its maximum size")
			.contains("Property: varve.max-map-size", "Value: 2MB")
			.contains("Raise varve.max-map-size and start again");
	}

	@Test
	void anEventThatCannotBeSerialisedAtStartupNamesItsClassAndTheFix(CapturedOutput output) {
		failToStart(UnserialisableEventApplication.class, "--varve.path=" + this.dir);
		assertThat(report(output)).contains("An event cannot be serialised with Varve's Smile mapper.")
			.contains(Loop.class.getName())
			.contains("Give the event class state that Jackson can see and write")
			.contains("define a VarveSmileMapperBuilderCustomizer bean")
			.doesNotContain("Property: varve.path");
	}

	@Test
	void storedEventsNoUpcasterReadsNameTheTypeVersionAndTheUpcasterToWrite(CapturedOutput output) {
		try (Varve first = Varve.open(this.dir)) {
			first.append("account-1", ExpectedVersion.noStream(), new Credited(5));
		}
		failToStart(EvolvedApplication.class, "--varve.path=" + this.dir);
		assertThat(report(output)).contains("cannot read every event in its store")
			.contains("The store holds events of 'credited' version 1")
			.contains("Register an Upcaster for it (type \"credited\", fromVersion 1)")
			.contains("Declare an io.varve.Upcaster bean");
	}

	private static void failToStart(Class<?> application, String... args) {
		SpringApplication spring = new SpringApplication(application);
		spring.setWebApplicationType(WebApplicationType.NONE);
		spring.setBannerMode(Banner.Mode.OFF);
		spring.setRegisterShutdownHook(false);
		assertThatException().isThrownBy(() -> spring.run(args).close());
	}

	/** The failure report, checked to be Spring Boot's and to come without a trace. */
	private static String report(CapturedOutput output) {
		String text = output.getOut();
		assertThat(text).contains("APPLICATION FAILED TO START", "Description:", "Action:")
			.doesNotContain("Application run failed")
			.doesNotContain("\tat ");
		return text.substring(text.indexOf("APPLICATION FAILED TO START"));
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(VarveAutoConfiguration.class)
	static class VarveApplication {

		@Bean
		ApplicationRunner useTheStore(Varve varve) {
			return (args) -> varve.headPosition();
		}

	}

	/**
	 * Opening fails as it does once the storage checks the path first (issue 18): the
	 * message is the store's.
	 */
	@Configuration(proxyBeanMethods = false)
	static class UnusablePathApplication {

		@Bean
		Varve varve(org.springframework.core.env.Environment environment) {
			Path path = Path.of(environment.getProperty("varve.path", "varve-data"));
			throw new StorePathException(path, "The store path " + path.toAbsolutePath()
					+ " is a regular file, not a directory; set the path of a directory");
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(VarveAutoConfiguration.class)
	static class FillingApplication {

		@Bean
		ApplicationRunner fill(Varve varve) {
			byte[] payload = new byte[200 * 1024];
			return (args) -> {
				for (int i = 0; i < 100; i++) {
					varve.append("bulk-1", ExpectedVersion.any(), new Bulk(payload));
				}
			};
		}

	}

	record Bulk(byte[] data) {
	}

	@EventType("credited")
	record Credited(long amount) {
	}

	@EventType(value = "credited", version = 2)
	record CreditedInCents(long cents) {
	}

	/** Its event class is version 2 and no upcaster reads the stored version 1. */
	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(VarveAutoConfiguration.class)
	static class EvolvedApplication {

		@Bean
		ApplicationRunner credit(Varve varve) {
			return (args) -> varve.append("account-1", ExpectedVersion.exact(1), new CreditedInCents(500));
		}

	}

	/** An event that holds itself: Jackson cannot write it. */
	public static final class Loop {

		public Loop getSelf() {
			return this;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(VarveAutoConfiguration.class)
	static class UnserialisableEventApplication {

		@Bean
		ApplicationRunner appendLoop(Varve varve) {
			return (args) -> varve.append("loop-1", ExpectedVersion.any(), new Loop());
		}

	}

}

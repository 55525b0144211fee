package io.varve.boot.autoconfigure;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.varve.Durability;
import io.varve.ExpectedVersion;
import io.varve.StoreInfo;
import io.varve.Varve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

class VarveAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(VarveAutoConfiguration.class));

	@TempDir
	Path dir;

	record Opened(String owner) {
	}

	@Test
	void opensStoreAtConfiguredPath() {
		Path store = this.dir.resolve("events");
		this.contextRunner.withPropertyValues("varve.path=" + store).run((context) -> {
			assertThat(context).hasSingleBean(Varve.class);
			Varve varve = context.getBean(Varve.class);
			assertThat(varve.path()).isEqualTo(store);
			varve.append("account-1", ExpectedVersion.noStream(), new Opened("alice"));
			assertThat(varve.readStream("account-1", 1, 10)).hasSize(1);
		});
	}

	@Test
	void appliesStorageProperties() {
		this.contextRunner
			.withPropertyValues("varve.path=" + this.dir, "varve.durability=no-meta-sync", "varve.map-size=8MB",
					"varve.max-map-size=64MB", "varve.max-event-size=2MB")
			.run((context) -> {
				StoreInfo info = context.getBean(Varve.class).storeInfo();
				assertThat(info.durability()).isEqualTo(Durability.NO_META_SYNC);
				assertThat(info.mapSize()).isEqualTo(8L * 1024 * 1024);
				assertThat(info.maxMapSize()).isEqualTo(64L * 1024 * 1024);
				assertThat(info.maxEventSize()).isEqualTo(2 * 1024 * 1024);
			});
	}

	@Test
	void preallocateTurnsTheZeroedSpaceAheadOfTheDataFileOnAndOff() throws Exception {
		assumeThat(Set.of("ext4", "ext3", "xfs")).as("an in-place file system")
			.contains(Files.getFileStore(this.dir).type().toLowerCase(Locale.ROOT));
		Path on = this.dir.resolve("on");
		this.contextRunner.withPropertyValues("varve.path=" + on).run((context) -> {
			context.getBean(Varve.class);
			assertThat(threadNames()).contains("varve-preallocate[on]");
		});
		Path off = this.dir.resolve("off");
		this.contextRunner.withPropertyValues("varve.path=" + off, "varve.preallocate=false").run((context) -> {
			context.getBean(Varve.class);
			assertThat(threadNames()).doesNotContain("varve-preallocate[off]");
		});
	}

	@Test
	void groupAccessLetsTheOwnersGroupReadANewStore() throws Exception {
		assumeThat(this.dir.getFileSystem().supportedFileAttributeViews()).as("POSIX file modes").contains("posix");
		Path shared = this.dir.resolve("shared");
		this.contextRunner.withPropertyValues("varve.path=" + shared, "varve.group-access=true")
			.run((context) -> context.getBean(Varve.class));
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(shared))).isEqualTo("rwxr-x---");
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(shared.resolve("data.mdb"))))
			.isEqualTo("rw-r-----");
		Path owned = this.dir.resolve("private");
		this.contextRunner.withPropertyValues("varve.path=" + owned).run((context) -> context.getBean(Varve.class));
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(owned))).isEqualTo("rwx------");
	}

	private static List<String> threadNames() {
		return Thread.getAllStackTraces().keySet().stream().map(Thread::getName).toList();
	}

	@Test
	void aSmallMaximumMapSizeAloneLowersTheInitialSize() {
		this.contextRunner.withPropertyValues("varve.path=" + this.dir, "varve.max-map-size=16MB").run((context) -> {
			StoreInfo info = context.getBean(Varve.class).storeInfo();
			assertThat(info.maxMapSize()).isEqualTo(16L * 1024 * 1024);
			assertThat(info.mapSize()).isLessThanOrEqualTo(info.maxMapSize());
		});
	}

	@Test
	void closesStoreWhenContextCloses() {
		Varve[] holder = new Varve[1];
		this.contextRunner.withPropertyValues("varve.path=" + this.dir)
			.run((context) -> holder[0] = context.getBean(Varve.class));
		assertThat(holder[0].isOpen()).isFalse();
		try (Varve reopened = Varve.open(this.dir)) {
			assertThat(reopened.isOpen()).isTrue();
		}
	}

	@Test
	void backsOffWhenUserDefinesVarve() {
		this.contextRunner.withPropertyValues("varve.path=" + this.dir.resolve("ignored"))
			.withBean("myVarve", Varve.class, () -> Varve.open(this.dir.resolve("mine")))
			.run((context) -> {
				assertThat(context).hasSingleBean(Varve.class);
				assertThat(context.getBean(Varve.class).path()).isEqualTo(this.dir.resolve("mine"));
			});
	}

	@Test
	void appliesBuilderCustomizers() {
		this.contextRunner.withPropertyValues("varve.path=" + this.dir)
			.withBean(VarveBuilderCustomizer.class, () -> (builder) -> builder.maxEventSize(4096))
			.run((context) -> assertThat(context.getBean(Varve.class).storeInfo().maxEventSize()).isEqualTo(4096));
	}

	@Test
	void failsStartupWithClearMessageForInvalidSetting() {
		this.contextRunner.withPropertyValues("varve.path=" + this.dir, "varve.max-event-size=10B")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("Maximum event size must be between 1024"));
	}

}

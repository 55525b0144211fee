package io.varve.boot.autoconfigure;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JacksonModule;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.ValueSerializer;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.dataformat.smile.SmileMapper;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.varve.Durability;
import io.varve.AggregateRepository;
import io.varve.Snapshot;
import io.varve.boot.aggregate.VarveAggregates;
import io.varve.ExpectedVersion;
import io.varve.EventType;
import io.varve.Upcaster;
import io.varve.ReadOnlyStoreException;
import io.varve.RecordedEvent;
import io.varve.StoreInfo;
import io.varve.Varve;
import io.varve.VarveBuilder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
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
	void upcasterBeansAreRegisteredOnTheStore() {
		Path store = this.dir.resolve("evolving");
		try (Varve first = Varve.open(store)) {
			first.append("account-1", ExpectedVersion.noStream(), new RenamedV1("alice"));
		}
		this.contextRunner.withPropertyValues("varve.path=" + store)
			.withBean(Upcaster.class,
					() -> Upcaster.of("renamed", 1, (data) -> data.put("fullName", data.remove("name").asString())))
			.run((context) -> {
				Varve varve = context.getBean(Varve.class);
				RecordedEvent event = varve.readStream("account-1", 1, 10).get(0);
				assertThat(event.dataAs(RenamedV2.class)).isEqualTo(new RenamedV2("alice"));
				assertThat(event.schemaVersion()).isEqualTo(2);
			});
	}

	@Test
	void theAggregatesBeanMakesRepositoriesWithTheConfiguredSnapshotPolicy() {
		this.contextRunner
			.withPropertyValues("varve.path=" + this.dir.resolve("aggregates"), "varve.snapshots.every=3",
					"varve.snapshots.keep-last=1")
			.run((context) -> {
				VarveAggregates aggregates = context.getBean(VarveAggregates.class);
				assertThat(aggregates.policy().keepLast()).isEqualTo(1);
				AggregateRepository<Long> counts = aggregates.repository(Long.class, 0L, (count, event) -> count + 1);
				for (int i = 0; i < 7; i++) {
					counts.update("counter-1", (count) -> List.of(new Opened("n" + count)));
				}
				Varve varve = context.getBean(Varve.class);
				// A synchronous write queued after the asynchronous snapshots returns
				// once
				// they are committed.
				varve.snapshots().delete("barrier-1");
				assertThat(varve.snapshots().latest("counter-1")).map(Snapshot::version).contains(6L);
				assertThat(varve.snapshots().count()).isEqualTo(1);
				assertThat(counts.load("counter-1")).isEqualTo(new AggregateRepository.Loaded<>(7L, 7));
			});
		this.contextRunner.withPropertyValues("varve.path=" + this.dir.resolve("none"), "varve.snapshots.every=0")
			.run((context) -> assertThat(context.getBean(VarveAggregates.class).policy().isEnabled()).isFalse());
	}

	@EventType("renamed")
	record RenamedV1(String name) {
	}

	@EventType(value = "renamed", version = 2)
	record RenamedV2(String fullName) {
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
		this.contextRunner.withPropertyValues("varve.path=" + on, "varve.preallocate=true").run((context) -> {
			context.getBean(Varve.class);
			assertThat(threadNames()).contains("varve-preallocate[on]");
		});
		// Off by default: commits are made durable by the journal, not by flushing the
		// data file.
		Path off = this.dir.resolve("off");
		this.contextRunner.withPropertyValues("varve.path=" + off).run((context) -> {
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

	@Test
	void readOnlyOpensTheStoreForReadingOnly() {
		try (Varve owner = Varve.open(this.dir)) {
			owner.append("account-1", ExpectedVersion.noStream(), new Opened("alice"));
		}
		this.contextRunner.withPropertyValues("varve.path=" + this.dir, "varve.read-only=true").run((context) -> {
			Varve varve = context.getBean(Varve.class);
			assertThat(varve.storeInfo().readOnly()).isTrue();
			assertThat(varve.readStream("account-1", 1, 10)).extracting((event) -> event.dataAs(Opened.class))
				.containsExactly(new Opened("alice"));
			assertThatExceptionOfType(ReadOnlyStoreException.class)
				.isThrownBy(() -> varve.append("account-2", ExpectedVersion.any(), new Opened("bob")));
		});
	}

	@Test
	void readOnlyReadsAStoreThatAnotherProcessOwns() throws Exception {
		Path store = this.dir.resolve("store");
		try (Varve owner = Varve.open(store)) {
			owner.append("account-1", ExpectedVersion.noStream(), new Opened("alice"));
		}
		try (StoreHolder owner = StoreHolder.hold(store, this.dir)) {
			this.contextRunner.withPropertyValues("varve.path=" + store, "varve.read-only=true")
				.run((context) -> assertThat(context.getBean(Varve.class).readStream("account-1", 1, 10))
					.extracting((event) -> event.dataAs(Opened.class))
					.containsExactly(new Opened("alice")));
		}
	}

	/** A value whose state Jackson cannot see: only a module can write it. */
	static final class Amount {

		private final long cents;

		Amount(long cents) {
			this.cents = cents;
		}

		@Override
		public boolean equals(Object other) {
			return other instanceof Amount amount && amount.cents == this.cents;
		}

		@Override
		public int hashCode() {
			return Long.hashCode(this.cents);
		}

	}

	record Paid(Amount amount) {
	}

	static SimpleModule amountModule() {
		return new SimpleModule("amounts").addSerializer(Amount.class, new ValueSerializer<>() {
			@Override
			public void serialize(Amount value, JsonGenerator generator, SerializationContext context) {
				generator.writeNumber(value.cents);
			}
		}).addDeserializer(Amount.class, new ValueDeserializer<>() {
			@Override
			public Amount deserialize(JsonParser parser, DeserializationContext context) {
				return new Amount(parser.getLongValue());
			}
		});
	}

	private static void assertRoundTrip(Varve varve) {
		varve.append("payment-1", ExpectedVersion.noStream(), new Paid(new Amount(1250)));
		assertThat(varve.readStream("payment-1", 1, 1)).extracting(RecordedEvent::data)
			.containsExactly(new Paid(new Amount(1250)));
	}

	@Test
	void encodesEventsWithTheSmileMapperBeanAndTheApplicationsJacksonModules() {
		this.contextRunner.withPropertyValues("varve.path=" + this.dir)
			.withBean(JacksonModule.class, VarveAutoConfigurationTests::amountModule)
			.run((context) -> {
				assertThat(context).hasSingleBean(SmileMapper.class).hasBean("varveSmileMapper");
				assertThat(
						context.getBean(SmileMapper.class).isEnabled(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES))
					.as("Varve's default: old readers read events of newer code")
					.isFalse();
				assertRoundTrip(context.getBean(Varve.class));
			});
	}

	@Test
	void appliesSmileMapperCustomizersAfterVarvesDefaults() {
		this.contextRunner.withPropertyValues("varve.path=" + this.dir)
			.withBean(VarveSmileMapperBuilderCustomizer.class, () -> (builder) -> builder.addModule(amountModule()))
			.run((context) -> {
				assertThat(
						context.getBean(SmileMapper.class).isEnabled(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES))
					.isFalse();
				assertRoundTrip(context.getBean(Varve.class));
			});
	}

	@Test
	void backsOffWhenTheApplicationDefinesASmileMapperAndEncodesWithIt() {
		this.contextRunner.withPropertyValues("varve.path=" + this.dir)
			.withBean("mySmileMapper", SmileMapper.class,
					() -> VarveBuilder.defaultMapperBuilder().addModule(amountModule()).build())
			.run((context) -> {
				assertThat(context).hasSingleBean(SmileMapper.class).doesNotHaveBean("varveSmileMapper");
				assertRoundTrip(context.getBean(Varve.class));
			});
	}

	@Test
	void sitsBesideSpringBootsJacksonMappersWithoutClashing() {
		this.contextRunner.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class))
			.withPropertyValues("varve.path=" + this.dir)
			.run((context) -> {
				assertThat(context).hasSingleBean(SmileMapper.class).hasSingleBean(JsonMapper.class);
				context.getBean(Varve.class).append("account-1", ExpectedVersion.noStream(), new Opened("alice"));
			});
	}

}

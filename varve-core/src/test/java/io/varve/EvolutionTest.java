package io.varve;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import io.varve.processor.ProcessorDefinition;
import io.varve.processor.ProcessorRegistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Events outlive the classes that wrote them: a store written with version 1 classes is
 * read by version 2 classes through upcasters, renamed classes read their old events
 * through aliases, upcasters split and drop events on every read path, and mistakes in
 * the chain are refused when the store opens, leaving it as it was.
 */
class EvolutionTest {

	@TempDir
	Path dir;

	/** As the first release wrote it: whole euros. */
	@EventType("deposited")
	record DepositedV1(String account, long amount) {
	}

	/** The second release: cents and a currency. */
	@EventType(value = "deposited", version = 2)
	record Deposited(String account, long amountCents, String currency) {
	}

	/** A third release that nobody wrote an upcaster for. */
	@EventType(value = "deposited", version = 3)
	record DepositedV3(String account, long amountCents, String currency, String channel) {
	}

	@EventType("MoneyDeposited")
	record MoneyDeposited(long amount) {
	}

	@EventType(value = "money-in", aliases = "MoneyDeposited")
	record MoneyIn(long amount) {
	}

	@EventType("address-changed")
	record AddressChanged(String street, String city) {
	}

	@EventType("street-changed")
	record StreetChanged(String street) {
	}

	@EventType("city-changed")
	record CityChanged(String city) {
	}

	@EventType("noise")
	record Noise(int level) {
	}

	static final Upcaster EUROS_TO_CENTS = Upcaster.of("deposited", 1, (data) -> {
		data.put("amountCents", data.get("amount").asLong() * 100);
		data.remove("amount");
		data.put("currency", "EUR");
		return data;
	});

	@Test
	void eventsWrittenByVersion1ClassesReadAsVersion2ThroughAnUpcaster() {
		Path store = this.dir.resolve("store");
		byte[] storedPayload;
		try (Varve v1 = Varve.open(store)) {
			v1.append("account-1", ExpectedVersion.noStream(), new DepositedV1("account-1", 12));
			storedPayload = v1.readStream("account-1", 1, 1).get(0).rawData();
			assertThat(v1.readStream("account-1", 1, 1).get(0).schemaVersion()).isEqualTo(1);
		}
		try (Varve v2 = Varve.builder().path(store).eventTypes(Deposited.class).upcasters(EUROS_TO_CENTS).open()) {
			v2.append("account-1", ExpectedVersion.exact(1), new Deposited("account-1", 250, "EUR"));
			List<RecordedEvent> events = v2.readStream("account-1", 1, 10);
			assertThat(events).extracting(RecordedEvent::data)
				.containsExactly(new Deposited("account-1", 1200, "EUR"), new Deposited("account-1", 250, "EUR"));
			assertThat(events).extracting(RecordedEvent::schemaVersion).containsExactly(2, 2);
			assertThat(events).extracting(RecordedEvent::type).containsExactly("deposited", "deposited");
			// The stored bytes stay as they were written.
			assertThat(events.get(0).rawData()).isEqualTo(storedPayload);
			assertThat(events.get(0).dataAs(Deposited.class).amountCents()).isEqualTo(1200);
			assertThat(v2.readAll(1, 10)).extracting(RecordedEvent::data)
				.containsExactlyElementsOf(events.stream().map(RecordedEvent::data).toList());
			assertThat(v2.scanAll(1, EventFilter.eventTypes(Deposited.class)).map(RecordedEvent::data).toList())
				.hasSize(2);
		}
	}

	@Test
	void aRenamedClassReadsItsOldEventsThroughAnAlias() {
		Path store = this.dir.resolve("store");
		try (Varve before = Varve.open(store)) {
			before.append("wallet-1", ExpectedVersion.noStream(), new MoneyDeposited(5));
		}
		try (Varve after = Varve.builder().path(store).eventTypes(MoneyIn.class).open()) {
			after.append("wallet-1", ExpectedVersion.exact(1), new MoneyIn(7));
			List<RecordedEvent> events = after.readStream("wallet-1", 1, 10);
			assertThat(events).extracting(RecordedEvent::type).containsExactly("money-in", "money-in");
			assertThat(events).extracting(RecordedEvent::data).containsExactly(new MoneyIn(5), new MoneyIn(7));
			// Filters by the new name find the old events too.
			assertThat(after.readAll(1, 10, EventFilter.eventTypes("money-in"))).hasSize(2);
			assertThat(after.readAll(1, 10, EventFilter.eventTypes(MoneyIn.class))).hasSize(2);
			// An alias is a claim: another class of that name is refused.
			assertThatThrownBy(() -> after.append("wallet-2", ExpectedVersion.any(), new MoneyDeposited(1)))
				.isInstanceOf(EventTypeConflictException.class)
				.hasMessageContaining("alias");
		}
	}

	@Test
	void upcastersSplitAndDropEventsOnEveryReadPath() {
		Path store = this.dir.resolve("store");
		try (Varve v1 = Varve.open(store)) {
			v1.append("customer-1", ExpectedVersion.noStream(), new Noise(1), new AddressChanged("Main St", "Ghent"),
					new Noise(2), new Noise(3), new AddressChanged("High St", "Leuven"));
		}
		Upcaster split = new Upcaster() {
			@Override
			public String type() {
				return "address-changed";
			}

			@Override
			public int fromVersion() {
				return 1;
			}

			@Override
			public String toType() {
				return "street-changed";
			}

			@Override
			public int toVersion() {
				return 1;
			}

			@Override
			public List<Event> upcast(Event event) {
				ObjectNode street = JsonNodeFactory.instance.objectNode()
					.put("street", event.data().get("street").asString());
				ObjectNode city = JsonNodeFactory.instance.objectNode()
					.put("city", event.data().get("city").asString());
				return List.of(new Event("street-changed", 1, street, event.metadata()),
						new Event("city-changed", 1, city, event.metadata()));
			}
		};
		Upcaster dropNoise = new Upcaster() {
			@Override
			public String type() {
				return "noise";
			}

			@Override
			public int fromVersion() {
				return 1;
			}

			@Override
			public List<Event> upcast(Event event) {
				return List.of();
			}
		};
		try (Varve varve = Varve.builder()
			.path(store)
			.eventTypes(StreetChanged.class, CityChanged.class)
			.upcasters(split, dropNoise)
			.open()) {
			List<RecordedEvent> events = varve.readStream("customer-1", 1, 100);
			assertThat(events).extracting(RecordedEvent::data)
				.containsExactly(new StreetChanged("Main St"), new CityChanged("Ghent"), new StreetChanged("High St"),
						new CityChanged("Leuven"));
			// The parts of one stored event share its position and stream version; ids
			// differ and are the same on every read.
			assertThat(events).extracting(RecordedEvent::position).containsExactly(2L, 2L, 5L, 5L);
			assertThat(events).extracting(RecordedEvent::version).containsExactly(2L, 2L, 5L, 5L);
			assertThat(events.get(0).id()).isNotEqualTo(events.get(1).id());
			assertThat(varve.readStream("customer-1", 1, 100).get(1).id()).isEqualTo(events.get(1).id());
			// A page skips what was dropped and fills up from later events.
			assertThat(varve.readStream("customer-1", 3, 1)).extracting(RecordedEvent::position)
				.containsExactly(5L, 5L);
			assertThat(varve.readStream("customer-1", 1, 1)).extracting(RecordedEvent::position)
				.containsExactly(2L, 2L);
			assertThat(varve.scanStream("customer-1", 1).map(RecordedEvent::data).toList()).hasSize(4);
			assertThat(varve.readAll(1, 100, EventFilter.eventTypes("city-changed"))).extracting(RecordedEvent::data)
				.containsExactly(new CityChanged("Ghent"), new CityChanged("Leuven"));
			assertThat(varve.scanAll(1, EventFilter.all()).count()).isEqualTo(4);

			// Processors see what readers see, and their lag counts positions.
			List<Object> handled = new CopyOnWriteArrayList<>();
			ProcessorRegistry processors = varve.processors();
			processors.register(ProcessorDefinition.builder("addresses")
				.handler((event, context) -> handled.add(event.data()))
				.build());
			processors.start("addresses");
			processors.awaitProcessed("addresses", varve.headPosition(), Duration.ofSeconds(10));
			assertThat(handled).containsExactly(new StreetChanged("Main St"), new CityChanged("Ghent"),
					new StreetChanged("High St"), new CityChanged("Leuven"));
			assertThat(processors.status("addresses").checkpoint()).isEqualTo(5);
			assertThat(processors.status("addresses").lag()).isZero();

			// A processor that copies the log sees it as stored: every position once,
			// the dropped one too, with its stored type and bytes.
			List<String> copied = new CopyOnWriteArrayList<>();
			processors.register(ProcessorDefinition.builder("copy")
				.asStored()
				.handler((event, context) -> copied.add(event.position() + ":" + event.type()))
				.build());
			processors.start("copy");
			processors.awaitProcessed("copy", varve.headPosition(), Duration.ofSeconds(10));
			assertThat(copied).hasSize((int) varve.headPosition());
			assertThat(copied).extracting((entry) -> Long.parseLong(entry.substring(0, entry.indexOf(':'))))
				.isEqualTo(java.util.stream.LongStream.rangeClosed(1, varve.headPosition()).boxed().toList());
			assertThat(copied).anyMatch((entry) -> entry.endsWith(":noise"));
		}
	}

	@Test
	void mistakesInTheChainAreRefusedAtOpenAndTheStoreIsLeftAsItWas() {
		Path store = this.dir.resolve("store");
		try (Varve v1 = Varve.open(store)) {
			v1.append("account-1", ExpectedVersion.noStream(), new DepositedV1("account-1", 3));
		}
		// Stored version 1 and no upcaster to version 2.
		assertThatThrownBy(() -> Varve.builder().path(store).eventTypes(Deposited.class).open())
			.isInstanceOf(EventSchemaException.class)
			.hasMessageContaining("'deposited' version 1")
			.hasMessageContaining("fromVersion 1");
		// Two upcasters for one type and version.
		assertThatThrownBy(() -> Varve.builder()
			.path(store)
			.eventTypes(Deposited.class)
			.upcasters(EUROS_TO_CENTS, Upcaster.of("deposited", 1, (data) -> data))
			.open()).isInstanceOf(EventSchemaException.class).hasMessageContaining("Two upcasters read");
		// A gap: version 1 reaches 2, but the class is at 3 and nothing reads 2.
		assertThatThrownBy(
				() -> Varve.builder().path(store).eventTypes(DepositedV3.class).upcasters(EUROS_TO_CENTS).open())
			.isInstanceOf(EventSchemaException.class)
			.hasMessageContaining("no upcaster reads 'deposited' version 2");
		// Without the class on the builder, the check runs when it is first registered.
		try (Varve varve = Varve.open(store)) {
			assertThatThrownBy(
					() -> varve.append("account-1", ExpectedVersion.exact(1), new Deposited("account-1", 1, "EUR")))
				.isInstanceOf(EventSchemaException.class);
			assertThat(varve.headPosition()).isEqualTo(1);
		}
		// Nothing was lost: the right upcaster reads the store.
		try (Varve fixed = Varve.builder().path(store).eventTypes(Deposited.class).upcasters(EUROS_TO_CENTS).open()) {
			assertThat(fixed.readStream("account-1", 1, 10)).extracting(RecordedEvent::data)
				.containsExactly(new Deposited("account-1", 300, "EUR"));
			fixed.append("account-1", ExpectedVersion.exact(1), new Deposited("account-1", 5, "EUR"));
		}
		// A store holding version 2 events refuses a class still at version 1.
		assertThatThrownBy(() -> Varve.builder().path(store).eventTypes(DepositedV1.class).open())
			.isInstanceOf(EventSchemaException.class)
			.hasMessageContaining("newer than");
	}

}

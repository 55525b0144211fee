package io.varve;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.DefaultTyping;
import tools.jackson.databind.jsontype.BasicPolymorphicTypeValidator;
import tools.jackson.dataformat.smile.SmileMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Nothing is stored that Jackson would write without its state: such an event is refused
 * at append, or when the store opens if its class is registered, with a message naming
 * the class, the property and the fix. Events with no state at all are stored.
 */
class EventSerializationTest {

	@TempDir
	Path dir;

	/** Private fields, no getters: Jackson sees nothing and writes {}. */
	static final class Hidden {

		private final long amount;

		private final String owner;

		Hidden(long amount, String owner) {
			this.amount = amount;
			this.owner = owner;
		}

	}

	record HoldsObject(String name, Object value) {
	}

	record HoldsThread(String name, Thread thread) {
	}

	record HoldsHidden(List<Hidden> items) {
	}

	record NoState() {
	}

	/** A marker event: no instance fields, so nothing to lose. */
	static final class Marker {

		static final String KIND = "marker";

	}

	/** Its only field is deliberately left out of the stored state. */
	static final class IgnoredState {

		@JsonIgnore
		private final long cache = 42;

		private transient String scratch = "x";

	}

	enum Colour {

		RED, GREEN

	}

	record Values(String text, long count, BigDecimal amount, UUID id, Instant at, LocalDate day, Duration took,
			List<String> tags, Map<String, Integer> scores, Optional<String> note, Colour colour, byte[] raw) {
	}

	/** Jackson fails reading its only property. */
	static final class Broken {

		public String getValue() {
			throw new IllegalStateException("no value");
		}

	}

	record HoldsBroken(String name, Broken broken) {
	}

	/** Refers to itself directly. */
	static final class Loop {

		public Loop getSelf() {
			return this;
		}

	}

	record Parent(String name, List<Object> children) {
	}

	@JsonTypeInfo(use = JsonTypeInfo.Id.CLASS)
	interface ByClassName {

	}

	record Circle(double radius) implements ByClassName {
	}

	record Drawing(ByClassName shape) {
	}

	@JsonTypeInfo(use = JsonTypeInfo.Id.NAME)
	@JsonSubTypes(@JsonSubTypes.Type(value = Square.class, name = "square"))
	interface ByName {

	}

	record Square(double side) implements ByName {
	}

	record Plan(ByName shape) {
	}

	@Test
	void typeIdsThatAreClassNamesAreRefusedAndTypeNamesAreNot() {
		try (Varve varve = Varve.open(this.dir)) {
			assertThatExceptionOfType(EventSerializationException.class)
				.isThrownBy(() -> varve.append("s-1", ExpectedVersion.any(), new Drawing(new Circle(1))))
				.withMessageContaining("in property 'shape', " + Circle.class.getName()
						+ " is written with @JsonTypeInfo(use = CLASS)")
				.withMessageContaining("Use @JsonTypeInfo(use = JsonTypeInfo.Id.NAME)");
			varve.append("s-1", ExpectedVersion.noStream(), new Plan(new Square(2)));
			assertThat(varve.readStream("s-1", 1, 1).get(0).dataAs(Plan.class)).isEqualTo(new Plan(new Square(2)));
		}
	}

	@Test
	void aClassWithPrivateFieldsAndNoGettersIsRefusedAtAppendNamingTheClassAndTheFix() {
		try (Varve varve = Varve.open(this.dir)) {
			assertThatExceptionOfType(EventSerializationException.class)
				.isThrownBy(() -> varve.append("account-1", ExpectedVersion.any(), new Hidden(10, "ann")))
				.withMessageContaining(Hidden.class.getName())
				.withMessageContaining("fields (amount, owner)")
				.withMessageContaining("would be stored as {}")
				.withMessageContaining(
						"Make it a record, add public getters, or annotate the fields with @JsonProperty");
			assertThatExceptionOfType(EventSerializationException.class)
				.isThrownBy(() -> varve.append("account-1", ExpectedVersion.any(),
						List.of(EventData.of(new NoState()).withMetadata(new Hidden(1, "meta")))))
				.withMessageContaining("the metadata of event 0")
				.withMessageContaining("fields (amount, owner)");
			assertThat(varve.headPosition()).isZero();
			assertThat(varve.streamInfo("account-1")).isEmpty();
		}
	}

	@Test
	void eventsWithNoStateAtAllAreStored() {
		try (Varve varve = Varve.open(this.dir)) {
			varve.append("s-1", ExpectedVersion.noStream(), new NoState(), new Marker(), new IgnoredState());
			assertThat(varve.readStream("s-1", 1, 10)).extracting(RecordedEvent::type)
				.containsExactly("NoState", "Marker", "IgnoredState");
			assertThat(varve.readStream("s-1", 1, 1).get(0).data()).isEqualTo(new NoState());
		}
	}

	@Test
	void valuesJacksonHasSerializersForAreStoredAndReadBack() {
		Values values = new Values("t", 3, new BigDecimal("12.50"), UUID.randomUUID(),
				Instant.parse("2025-03-04T05:06:07.123456Z"), LocalDate.of(2025, 3, 4), Duration.ofMillis(1500),
				List.of("a", "b"), Map.of("x", 1), Optional.of("n"), Colour.GREEN, new byte[] { 1, 2 });
		try (Varve varve = Varve.builder().path(this.dir).eventTypes(Values.class).open()) {
			varve.append("s-1", ExpectedVersion.noStream(), values);
			Values read = varve.readStream("s-1", 1, 1).get(0).dataAs(Values.class);
			assertThat(read).usingRecursiveComparison().isEqualTo(values);
		}
	}

	@Test
	void aPropertyHoldingAPlainObjectOrAThreadIsRefused() {
		try (Varve varve = Varve.open(this.dir)) {
			assertThatExceptionOfType(EventSerializationException.class)
				.isThrownBy(() -> varve.append("s-1", ExpectedVersion.any(), new HoldsObject("o", new Object())))
				.withMessageContaining(HoldsObject.class.getName())
				.withMessageContaining("in property 'value', java.lang.Object is a JDK class");
			assertThatExceptionOfType(EventSerializationException.class)
				.isThrownBy(
						() -> varve.append("s-1", ExpectedVersion.any(), new HoldsThread("t", Thread.currentThread())))
				.withMessageContaining("in property 'thread', java.lang.Thread is a JDK class")
				.withMessageContaining("Store the values you need from it instead");
			assertThatExceptionOfType(EventSerializationException.class)
				.isThrownBy(() -> varve.append("s-1", ExpectedVersion.any(),
						new HoldsObject("e", new IllegalStateException("boom"))))
				.withMessageContaining("java.lang.IllegalStateException is a JDK class");
			assertThatExceptionOfType(EventSerializationException.class)
				.isThrownBy(
						() -> varve.append("s-1", ExpectedVersion.any(), new HoldsHidden(List.of(new Hidden(1, "a")))))
				.withMessageContaining("in property 'items[0]', " + Hidden.class.getName() + " has fields");
			// The same properties holding values are fine, and a null Thread loses
			// nothing.
			varve.append("s-1", ExpectedVersion.noStream(), new HoldsObject("o", "text"), new HoldsThread("t", null));
			assertThat(varve.readStream("s-1", 1, 1).get(0).dataAs(HoldsObject.class))
				.isEqualTo(new HoldsObject("o", "text"));
			assertThat(varve.headPosition()).isEqualTo(2);
		}
	}

	@Test
	void registeredEventClassesThatCannotBeStoredFailTheOpenAndLeaveNoStore() {
		Path store = this.dir.resolve("store");
		assertThatExceptionOfType(EventSerializationException.class)
			.isThrownBy(() -> Varve.builder().path(store).eventTypes(NoState.class, HoldsThread.class).open())
			.withMessageContaining("Event class " + HoldsThread.class.getName() + " cannot be stored")
			.withMessageContaining("in property 'thread', java.lang.Thread is a JDK class");
		assertThatExceptionOfType(EventSerializationException.class)
			.isThrownBy(() -> Varve.builder().path(store).eventTypes(Hidden.class).open())
			.withMessageContaining("Event class " + Hidden.class.getName() + " cannot be stored")
			.withMessageContaining("fields (amount, owner)");
		assertThatExceptionOfType(EventSerializationException.class)
			.isThrownBy(() -> Varve.builder().path(store).eventTypes(HoldsHidden.class).open())
			.withMessageContaining("in property 'items[]', " + Hidden.class.getName());
		assertThat(store).doesNotExist();
		// Properties whose declared type leaves the class open are judged at append.
		try (Varve varve = Varve.builder().path(store).eventTypes(HoldsObject.class, Parent.class).open()) {
			assertThat(varve.headPosition()).isZero();
		}
	}

	@Test
	void aMapperTheUserSuppliesGetsTheSameCheck() {
		SmileMapper plain = SmileMapper.builder().build();
		assertThat(plain.writeValueAsBytes(new Hidden(1, "x"))).as("a plain mapper writes {}").hasSize(6);
		try (Varve varve = Varve.builder().path(this.dir).mapper(plain).open()) {
			assertThatExceptionOfType(EventSerializationException.class)
				.isThrownBy(() -> varve.append("s-1", ExpectedVersion.any(), new Hidden(10, "ann")))
				.withMessageContaining("fields (amount, owner)");
			assertThat(varve.headPosition()).isZero();
		}
		assertThatExceptionOfType(EventSerializationException.class)
			.isThrownBy(() -> Varve.builder().path(this.dir).mapper(plain).eventTypes(HoldsThread.class).open());
		// The default builder has the check too, for mappers used outside Varve.
		assertThatExceptionOfType(DatabindException.class)
			.isThrownBy(() -> VarveBuilder.defaultMapperBuilder().build().writeValueAsBytes(new Hidden(1, "x")));
	}

	@Test
	void aMapperWithDefaultTypingIsRefusedWhenTheStoreOpens() {
		Path store = this.dir.resolve("store");
		SmileMapper typing = VarveBuilder.defaultMapperBuilder()
			.activateDefaultTyping(BasicPolymorphicTypeValidator.builder().allowIfBaseType(Object.class).build(),
					DefaultTyping.NON_FINAL)
			.build();
		assertThatExceptionOfType(InvalidArgumentException.class)
			.isThrownBy(() -> Varve.builder().path(store).mapper(typing).open())
			.withMessageContaining("default typing")
			.withMessageContaining("create objects of whatever classes the stored data names")
			.withMessageContaining("VarveBuilder.defaultMapperBuilder()");
		assertThatExceptionOfType(InvalidArgumentException.class)
			.isThrownBy(() -> Varve.builder().path(store).mapper(typing).readOnly().open());
		assertThat(store).doesNotExist();
	}

	@Test
	void anUnserialisableRecordIsToldWhatFailedNotToBecomeARecord() {
		try (Varve varve = Varve.open(this.dir)) {
			EventSerializationException ex = catchThrowableOfType(EventSerializationException.class,
					() -> varve.append("s-1", ExpectedVersion.any(), new HoldsBroken("b", new Broken())));
			assertThat(ex).hasMessageContaining(HoldsBroken.class.getName())
				.hasMessageContaining("reading 'broken.value' threw java.lang.IllegalStateException: no value")
				.hasMessageContaining("Fix that accessor")
				.hasMessageNotContaining("record");
			assertThat(ex.getCause()).isInstanceOf(IllegalStateException.class);
		}
	}

	@Test
	void anEventThatRefersToItselfIsReportedAsACycleInAFewLines() {
		Parent parent = new Parent("p", new java.util.ArrayList<>());
		parent.children().add(parent);
		try (Varve varve = Varve.open(this.dir)) {
			for (Object[] event : new Object[][] { { new Loop(), "(Loop.self -> Loop)" },
					{ parent, "(Parent.children[0] -> Parent)" } }) {
				EventSerializationException ex = catchThrowableOfType(EventSerializationException.class,
						() -> varve.append("s-1", ExpectedVersion.any(), event[0]));
				assertThat(ex).hasMessageContaining("event 0 of the append to 's-1'")
					.hasMessageContaining(event[0].getClass().getName())
					.hasMessageContaining("refers back to itself " + event[1])
					.hasMessageContaining("Keep an id");
				assertThat(ex.getMessage()).hasSizeLessThan(400).doesNotContain("\n");
				// Jackson's exception from the bottom of the recursion has 1,000+ frames.
				assertThat(ex.getCause()).isNull();
				assertThat(ex.getSuppressed()).isEmpty();
			}
			assertThat(varve.headPosition()).isZero();
		}
	}

	@Test
	void readOnlyStoresDoNotCheckEventClassesTheyOnlyRead() throws Exception {
		try (Varve varve = Varve.open(this.dir)) {
			varve.append("s-1", ExpectedVersion.any(), new NoState());
		}
		assertThat(Files.isDirectory(this.dir)).isTrue();
		try (Varve varve = Varve.builder().path(this.dir).readOnly().eventTypes(Hidden.class).open()) {
			assertThat(varve.headPosition()).isEqualTo(1);
		}
	}

}

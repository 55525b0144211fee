package io.varve;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.varve.TestEvents.Deposited;
import io.varve.TestEvents.Opened;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class EventTypeTest {

	@TempDir
	Path dir;

	static final class Renamed {

		@EventType("Deposited")
		record Impostor(long amount) {
		}

	}

	@EventType("bad\nname")
	record BadName(int x) {
	}

	@Test
	void typeNameComesFromTheAnnotationElseTheSimpleName() {
		try (Varve varve = Varve.open(this.dir)) {
			varve.append("s-1", ExpectedVersion.any(), new Opened("a"), new Deposited(1));
			assertThat(varve.readStream("s-1", 1, 2)).extracting(RecordedEvent::type)
				.containsExactly("account-opened", "Deposited");
		}
	}

	@Test
	void eventsOfTypesUnknownInThisProcessStayReadableAsRawData() {
		try (Varve varve = Varve.open(this.dir)) {
			varve.append("s-1", ExpectedVersion.any(), new Deposited(42));
		}
		try (Varve varve = Varve.open(this.dir)) {
			RecordedEvent event = varve.readStream("s-1", 1, 1).get(0);
			assertThat(event.type()).isEqualTo("Deposited");
			assertThatExceptionOfType(UnknownEventTypeException.class).isThrownBy(event::data)
				.withMessageContaining("'Deposited'")
				.withMessageContaining("eventTypes(");
			assertThat(event.dataAs(Deposited.class)).isEqualTo(new Deposited(42));
			assertThat(event.rawData()).isNotEmpty();
		}
	}

	@Test
	void classesRegisteredOnTheBuilderDecodeBeforeAnyAppend() {
		try (Varve varve = Varve.open(this.dir)) {
			varve.append("s-1", ExpectedVersion.any(), new Opened("a"));
		}
		try (Varve varve = Varve.builder().path(this.dir).eventTypes(Opened.class).open()) {
			assertThat(varve.readStream("s-1", 1, 1).get(0).data()).isEqualTo(new Opened("a"));
		}
	}

	@Test
	void twoClassesClaimingOneNameConflict() {
		try (Varve varve = Varve.open(this.dir)) {
			varve.append("s-1", ExpectedVersion.any(), new Deposited(1));
			assertThatExceptionOfType(EventTypeConflictException.class)
				.isThrownBy(() -> varve.append("s-1", ExpectedVersion.any(), new Renamed.Impostor(1)))
				.withMessageContaining("'Deposited'")
				.withMessageContaining("@EventType");
			assertThat(varve.headPosition()).isEqualTo(1);
		}
		assertThatExceptionOfType(EventTypeConflictException.class).isThrownBy(
				() -> Varve.builder().path(this.dir).eventTypes(Deposited.class, Renamed.Impostor.class).open());
	}

	@Test
	void invalidTypeNamesAndNonEventClassesAreRejected() {
		try (Varve varve = Varve.open(this.dir)) {
			assertThatExceptionOfType(InvalidArgumentException.class)
				.isThrownBy(() -> varve.append("s-1", ExpectedVersion.any(), new BadName(1)))
				.withMessageContaining("control character");
			assertThatExceptionOfType(InvalidArgumentException.class)
				.isThrownBy(() -> varve.append("s-1", ExpectedVersion.any(), "just a string"))
				.withMessageContaining("wrap the value in a record");
			assertThatExceptionOfType(InvalidArgumentException.class)
				.isThrownBy(() -> varve.append("s-1", ExpectedVersion.any(), new Object() {
				}))
				.withMessageContaining("own named classes");
			assertThat(varve.headPosition()).isZero();
		}
	}

	@Test
	void unserialisableEventsAreRejectedWithAHint() {
		try (Varve varve = Varve.open(this.dir)) {
			assertThatExceptionOfType(EventSerializationException.class)
				.isThrownBy(() -> varve.append("s-1", ExpectedVersion.any(), new TestEvents.Cyclic()))
				.withMessageContaining("Cyclic")
				.withMessageContaining("refers back to itself (Cyclic.self -> Cyclic)");
			assertThat(varve.headPosition()).isZero();
		}
	}

	@Test
	void decodingIntoAnIncompatibleClassFailsClearly() {
		try (Varve varve = Varve.open(this.dir)) {
			varve.append("s-1", ExpectedVersion.any(), new Opened("a"));
			RecordedEvent event = varve.readStream("s-1", 1, 1).get(0);
			assertThatExceptionOfType(EventDecodingException.class).isThrownBy(() -> event.dataAs(Integer.class))
				.withMessageContaining("payload");
		}
	}

	@Test
	void unknownPropertiesAreIgnoredSoOldReadersReadNewEvents() {
		try (Varve varve = Varve.open(this.dir)) {
			varve.append("s-1", ExpectedVersion.any(), new TestEvents.Audit("u", 1, java.util.Map.of()));
			assertThat(varve.readStream("s-1", 1, 1).get(0).dataAs(Opened.class)).isEqualTo(new Opened(null));
		}
	}

}

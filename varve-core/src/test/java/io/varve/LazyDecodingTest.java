package io.varve;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class LazyDecodingTest {

	static final AtomicInteger DECODED = new AtomicInteger();

	@TempDir
	Path dir;

	record Counted(long value) {

		@JsonCreator
		Counted(@JsonProperty("value") long value) {
			this.value = value;
			DECODED.incrementAndGet();
		}

	}

	@Test
	void scansThatReadOnlyEnvelopeFieldsNeverDecodePayloads() {
		try (Varve varve = Varve.open(this.dir)) {
			for (int i = 0; i < 100; i++) {
				varve.append("s-" + (i % 7), ExpectedVersion.any(), new Counted(i));
			}
			int constructedByTest = DECODED.getAndSet(0);
			assertThat(constructedByTest).isEqualTo(100);

			List<RecordedEvent> events = varve.readAll(0, 1000,
					EventFilter.categories("s").withEventTypes(Counted.class));
			long sum = 0;
			for (RecordedEvent event : events) {
				sum += event.position() + event.version() + event.type().length() + event.stream().length()
						+ event.id().hashCode() + event.timestampMicros();
			}
			assertThat(sum).isNotZero();
			assertThat(varve.scanAll(0, EventFilter.streams("s-3")).count()).isEqualTo(14);
			assertThat(DECODED).hasValue(0);

			RecordedEvent first = events.get(0);
			assertThat(first.data()).isEqualTo(new Counted(0));
			DECODED.set(0);
			first.data();
			first.dataAs(Counted.class);
			assertThat(DECODED).hasValue(0);
		}
	}

	@Test
	void theClassAnEventDecodesIntoIsKnownWithoutDecodingIt() {
		try (Varve varve = Varve.open(this.dir)) {
			varve.append("s-1", ExpectedVersion.any(), new Counted(1));
			DECODED.set(0);
			RecordedEvent event = varve.readEvent(1).orElseThrow();
			assertThat(event.dataClass()).contains(Counted.class);
			assertThat(DECODED).hasValue(0);
		}
		// A store opened without the class knows only the type name.
		try (Varve varve = Varve.open(this.dir)) {
			RecordedEvent event = varve.readEvent(1).orElseThrow();
			assertThat(event.type()).isEqualTo("Counted");
			assertThat(event.dataClass()).isEmpty();
		}
	}

}

package io.varve;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.varve.TestEvents.Deposited;
import io.varve.TestEvents.Opened;
import io.varve.TestEvents.Withdrawn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class AppendTest {

	@TempDir
	Path dir;

	Varve varve;

	@BeforeEach
	void open() {
		this.varve = Varve.open(this.dir);
	}

	@AfterEach
	void close() {
		this.varve.close();
	}

	@Test
	void firstAppendCreatesStreamAtVersionOneAndPositionOne() {
		AppendResult result = this.varve.append("account-1", ExpectedVersion.noStream(), new Opened("alice"));
		assertThat(result).isEqualTo(new AppendResult("account-1", 1, 1, 1));
		assertThat(this.varve.headPosition()).isEqualTo(1);
		assertThat(this.varve.streamCount()).isEqualTo(1);
	}

	@Test
	void severalEventsInOneCallGetConsecutiveVersionsAndPositions() {
		this.varve.append("other-1", ExpectedVersion.any(), new Deposited(1));
		AppendResult result = this.varve.append("account-1", ExpectedVersion.noStream(), new Opened("alice"),
				new Deposited(10), new Withdrawn(5));
		assertThat(result).isEqualTo(new AppendResult("account-1", 2, 4, 3));
		List<RecordedEvent> events = this.varve.readStream("account-1", 1, 10);
		assertThat(events).extracting(RecordedEvent::version).containsExactly(1L, 2L, 3L);
		assertThat(events).extracting(RecordedEvent::position).containsExactly(2L, 3L, 4L);
		assertThat(events).extracting(RecordedEvent::data)
			.containsExactly(new Opened("alice"), new Deposited(10), new Withdrawn(5));
	}

	@Test
	void positionsAreGaplessAcrossStreams() {
		for (int i = 0; i < 20; i++) {
			this.varve.append("s-" + (i % 3), ExpectedVersion.any(), new Deposited(i));
		}
		List<RecordedEvent> all = this.varve.readAll(0, 100);
		assertThat(all).extracting(RecordedEvent::position)
			.containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, 20).boxed().toList());
		assertThat(all).extracting((event) -> ((Deposited) event.data()).amount())
			.containsExactlyElementsOf(java.util.stream.LongStream.range(0, 20).boxed().toList());
	}

	@Test
	void anyAppendsWhateverTheVersion() {
		this.varve.append("s-1", ExpectedVersion.any(), new Deposited(1));
		AppendResult second = this.varve.append("s-1", ExpectedVersion.any(), new Deposited(2));
		assertThat(second.version()).isEqualTo(2);
	}

	@Test
	void noStreamRefusesAnExistingStream() {
		this.varve.append("s-1", ExpectedVersion.any(), new Deposited(1));
		assertThatExceptionOfType(WrongExpectedVersionException.class)
			.isThrownBy(() -> this.varve.append("s-1", ExpectedVersion.noStream(), new Deposited(2)))
			.satisfies((ex) -> {
				assertThat(ex.stream()).isEqualTo("s-1");
				assertThat(ex.expected()).isEqualTo(ExpectedVersion.noStream());
				assertThat(ex.actualVersion()).isEqualTo(1);
			})
			.withMessageContaining("version is 1")
			.withMessageContaining("retry with the current version");
		assertThat(this.varve.streamInfo("s-1")).map(StreamInfo::version).contains(1L);
	}

	@Test
	void streamExistsRefusesAMissingStreamAndAcceptsAnExistingOne() {
		assertThatExceptionOfType(WrongExpectedVersionException.class)
			.isThrownBy(() -> this.varve.append("s-1", ExpectedVersion.streamExists(), new Deposited(1)))
			.satisfies((ex) -> assertThat(ex.actualVersion()).isZero())
			.withMessageContaining("does not exist");
		assertThat(this.varve.headPosition()).isZero();
		this.varve.append("s-1", ExpectedVersion.noStream(), new Deposited(1));
		assertThat(this.varve.append("s-1", ExpectedVersion.streamExists(), new Deposited(2)).version()).isEqualTo(2);
	}

	@Test
	void exactAcceptsOnlyTheCurrentVersion() {
		this.varve.append("s-1", ExpectedVersion.noStream(), new Deposited(1), new Deposited(2));
		assertThatExceptionOfType(WrongExpectedVersionException.class)
			.isThrownBy(() -> this.varve.append("s-1", ExpectedVersion.exact(1), new Deposited(3)))
			.satisfies((ex) -> {
				assertThat(ex.expected()).isEqualTo(ExpectedVersion.exact(1));
				assertThat(ex.actualVersion()).isEqualTo(2);
			});
		assertThatExceptionOfType(WrongExpectedVersionException.class)
			.isThrownBy(() -> this.varve.append("s-1", ExpectedVersion.exact(3), new Deposited(3)));
		assertThat(this.varve.append("s-1", ExpectedVersion.exact(2), new Deposited(3)).version()).isEqualTo(3);
		assertThat(this.varve.headPosition()).isEqualTo(3);
	}

	@Test
	void exactZeroMeansTheStreamMustNotExist() {
		assertThat(this.varve.append("s-1", ExpectedVersion.exact(0), new Deposited(1)).version()).isEqualTo(1);
		assertThatExceptionOfType(WrongExpectedVersionException.class)
			.isThrownBy(() -> this.varve.append("s-1", ExpectedVersion.exact(0), new Deposited(2)));
	}

	@Test
	void exactRejectsNegativeVersions() {
		assertThatExceptionOfType(InvalidArgumentException.class).isThrownBy(() -> ExpectedVersion.exact(-1))
			.withMessageContaining("noStream()");
	}

	@Test
	void failedAppendInTheMiddleOfOthersWritesNothing() {
		this.varve.append("s-1", ExpectedVersion.noStream(), new Deposited(1));
		assertThatExceptionOfType(WrongExpectedVersionException.class)
			.isThrownBy(() -> this.varve.append("s-1", ExpectedVersion.exact(5), new Deposited(2), new Deposited(3)));
		assertThat(this.varve.readAll(0, 10)).hasSize(1);
		assertThat(this.varve.append("s-2", ExpectedVersion.any(), new Deposited(4)).firstPosition()).isEqualTo(2);
	}

	@Test
	void eventDataCarriesIdsAndMetadata() {
		java.util.UUID id = java.util.UUID.randomUUID();
		java.util.UUID correlation = java.util.UUID.randomUUID();
		java.util.UUID causation = java.util.UUID.randomUUID();
		this.varve.append("s-1", ExpectedVersion.any(),
				List.of(EventData.of(new Deposited(5))
					.withId(id)
					.withCorrelationId(correlation)
					.withCausationId(causation)
					.withMetadata(java.util.Map.of("user", "alice"))));
		RecordedEvent event = this.varve.readStream("s-1", 1, 1).get(0);
		assertThat(event.id()).isEqualTo(id);
		assertThat(event.correlationId()).isEqualTo(correlation);
		assertThat(event.causationId()).isEqualTo(causation);
		assertThat(event.metadata()).containsEntry("user", "alice");
	}

	@Test
	void metadataCanBeAUserRecord() {
		TestEvents.Audit audit = new TestEvents.Audit("bob", 2, java.util.Map.of("ip", "10.0.0.1"));
		this.varve.append("s-1", ExpectedVersion.any(), List.of(EventData.of(new Deposited(5)).withMetadata(audit)));
		RecordedEvent event = this.varve.readStream("s-1", 1, 1).get(0);
		assertThat(event.metadataAs(TestEvents.Audit.class)).isEqualTo(audit);
		assertThat(event.metadata()).containsEntry("user", "bob").containsEntry("attempt", 2);
	}

	@Test
	void eventsWithoutMetadataOrCorrelationReadBackEmpty() {
		this.varve.append("s-1", ExpectedVersion.any(), new Deposited(5));
		RecordedEvent event = this.varve.readStream("s-1", 1, 1).get(0);
		assertThat(event.hasMetadata()).isFalse();
		assertThat(event.metadata()).isEmpty();
		assertThat(event.metadataAs(TestEvents.Audit.class)).isNull();
		assertThat(event.correlationId()).isNull();
		assertThat(event.causationId()).isNull();
		assertThat(event.id().version()).isEqualTo(7);
	}

	@Test
	void causedByLinksAnEventToItsCause() {
		this.varve.append("s-1", ExpectedVersion.any(), new Deposited(5));
		RecordedEvent cause = this.varve.readStream("s-1", 1, 1).get(0);
		this.varve.append("s-2", ExpectedVersion.any(), List.of(EventData.of(new Withdrawn(5)).causedBy(cause)));
		RecordedEvent effect = this.varve.readStream("s-2", 1, 1).get(0);
		assertThat(effect.causationId()).isEqualTo(cause.id());
		assertThat(effect.correlationId()).isEqualTo(cause.id());
	}

	@Test
	void timestampsAreCommitTimesThatNeverGoBackwards() {
		java.time.Instant before = java.time.Instant.now().minusMillis(1);
		for (int i = 0; i < 10; i++) {
			this.varve.append("s-1", ExpectedVersion.any(), new Deposited(i));
		}
		List<RecordedEvent> events = this.varve.readAll(0, 100);
		assertThat(events.get(0).timestamp()).isAfterOrEqualTo(before);
		for (int i = 1; i < events.size(); i++) {
			assertThat(events.get(i).timestampMicros()).isGreaterThanOrEqualTo(events.get(i - 1).timestampMicros());
		}
		assertThat(events.get(9).timestamp()).isBeforeOrEqualTo(java.time.Instant.now());
	}

	@Test
	void commitTimestampsNeverGoBackwardsWhenTheClockDoesAlsoAcrossAReopen(@TempDir Path store) {
		Instant start = Instant.parse("2025-06-01T12:00:00.000001Z");
		SettableClock clock = new SettableClock(start);
		try (Varve varve = Varve.builder().path(store).clock(clock).open()) {
			varve.append("s-1", ExpectedVersion.any(), new Deposited(1));
			clock.set(start.minus(Duration.ofHours(1)));
			varve.append("s-1", ExpectedVersion.any(), new Deposited(2));
			varve.appendAsync("s-1", ExpectedVersion.any(), new Deposited(3)).join();
		}
		clock.set(start.minus(Duration.ofDays(1)));
		try (Varve varve = Varve.builder().path(store).clock(clock).open()) {
			varve.append("s-1", ExpectedVersion.any(), new Deposited(4));
			clock.set(start.plusMillis(5));
			varve.append("s-1", ExpectedVersion.any(), new Deposited(5));
			assertThat(varve.readStream("s-1", 1, 10)).extracting(RecordedEvent::timestamp)
				.containsExactly(start, start, start, start, start.plusMillis(5));
			assertThat(varve.streamInfo("s-1").orElseThrow().updatedAt()).isEqualTo(start.plusMillis(5));
		}
	}

	@Test
	void appendAsyncCompletesWithTheResult() throws Exception {
		AppendResult result = this.varve.appendAsync("s-1", ExpectedVersion.noStream(), new Deposited(1))
			.get(10, java.util.concurrent.TimeUnit.SECONDS);
		assertThat(result.version()).isEqualTo(1);
	}

	@Test
	void appendAsyncCompletesExceptionallyOnConflict() {
		this.varve.append("s-1", ExpectedVersion.any(), new Deposited(1));
		assertThat(this.varve.appendAsync("s-1", ExpectedVersion.noStream(), new Deposited(2)))
			.failsWithin(java.time.Duration.ofSeconds(10))
			.withThrowableOfType(java.util.concurrent.ExecutionException.class)
			.withCauseInstanceOf(WrongExpectedVersionException.class);
	}

	@Test
	void appendAsyncRejectsBadInputBeforeQueueing() {
		assertThatExceptionOfType(InvalidStreamNameException.class)
			.isThrownBy(() -> this.varve.appendAsync(" ", ExpectedVersion.any(), new Deposited(1)));
	}

	@Test
	void largeAppendsEncodedInParallelKeepTheirOrderIdsAndMetadata() {
		List<java.util.UUID> ids = new java.util.ArrayList<>();
		List<EventData> events = new java.util.ArrayList<>();
		for (int i = 0; i < 3000; i++) {
			java.util.UUID id = (i % 3 == 0) ? java.util.UUID.randomUUID() : null;
			ids.add(id);
			events
				.add(EventData.of(new Deposited(i)).withId(id).withMetadata(java.util.Map.of("i", String.valueOf(i))));
		}
		AppendResult result = this.varve.append("big-1", ExpectedVersion.noStream(), events);
		assertThat(result).isEqualTo(new AppendResult("big-1", 1, 3000, 3000));
		List<RecordedEvent> read = this.varve.readStream("big-1", 1, 5000);
		for (int i = 0; i < read.size(); i++) {
			RecordedEvent event = read.get(i);
			assertThat(event.data()).isEqualTo(new Deposited(i));
			assertThat(event.metadata()).containsEntry("i", String.valueOf(i));
			if (ids.get(i) != null) {
				assertThat(event.id()).isEqualTo(ids.get(i));
			}
		}
	}

	@Test
	void oneBadEventInALargeAppendFailsTheWholeAppend() {
		List<Object> events = new java.util.ArrayList<>();
		for (int i = 0; i < 2000; i++) {
			events.add((i == 1500) ? new TestEvents.Cyclic() : new Deposited(i));
		}
		assertThatExceptionOfType(EventSerializationException.class)
			.isThrownBy(() -> this.varve.append("big-1", ExpectedVersion.any(), events.toArray()))
			.withMessageContaining("event 1500");
		assertThat(this.varve.headPosition()).isZero();
	}

}

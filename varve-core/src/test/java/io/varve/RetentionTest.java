package io.varve;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.varve.TestEvents.Deposited;
import io.varve.core.verify.StoreCheck;
import io.varve.processor.ProcessorDefinition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Retention policies: what goes, what stays, in bounded steps, on the background thread
 * and on demand.
 */
class RetentionTest {

	@TempDir
	Path dir;

	@Test
	void aMaxCountKeepsEachStreamsNewestEventsOfItsCategoryOnly() {
		try (Varve varve = Varve.builder()
			.path(this.dir)
			.eventTypes(Deposited.class)
			.retention("sensor", RetentionPolicy.maxCount(10))
			.retention("sensor-9", RetentionPolicy.maxCount(2))
			.open()) {
			append(varve, "sensor-1", 25);
			append(varve, "sensor-2", 5);
			append(varve, "sensor", 15);
			append(varve, "sensorx-1", 25);
			append(varve, "sensor-9", 6);
			append(varve, "sensors", 12);

			RetentionStatus status = varve.applyRetention();

			assertVersions(varve, "sensor-1", 16, 25);
			assertVersions(varve, "sensor-2", 1, 5);
			assertVersions(varve, "sensor", 6, 15);
			assertVersions(varve, "sensorx-1", 1, 25);
			assertVersions(varve, "sensor-9", 5, 6);
			assertVersions(varve, "sensors", 1, 12);
			assertThat(status.eventsDeleted()).isEqualTo(15 + 5 + 4);
			assertThat(status.deletedInPass()).isEqualTo(24);
			assertThat(status.passes()).isEqualTo(1);
			assertThat(status.lastError()).isNull();
			assertThat(status.policies()).containsOnlyKeys("sensor", "sensor-9");
			assertThat(StoreCheck.run(varve).breaches()).isEmpty();

			// A second pass finds nothing more; new events bring the count back over.
			assertThat(varve.applyRetention().deletedInPass()).isZero();
			varve.append("sensor-1", ExpectedVersion.exact(25), new Deposited(26));
			assertThat(varve.applyRetention().deletedInPass()).isEqualTo(1);
			assertVersions(varve, "sensor-1", 17, 26);
		}
	}

	@Test
	void aMaxAgeDeletesEventsOlderThanItAsTimeGoesOn() {
		SettableClock clock = new SettableClock(Instant.parse("2026-01-01T00:00:00Z"));
		try (Varve varve = Varve.builder()
			.path(this.dir)
			.eventTypes(Deposited.class)
			.clock(clock)
			.retention("session", RetentionPolicy.maxAge(Duration.ofMinutes(90)).andMaxCount(1_000))
			.open()) {
			append(varve, "session-1", 3);
			clock.advance(Duration.ofHours(1));
			append(varve, "session-1", 3);
			clock.advance(Duration.ofHours(1));
			append(varve, "session-1", 3);

			assertThat(varve.applyRetention().deletedInPass()).isEqualTo(3);
			assertVersions(varve, "session-1", 4, 9);

			clock.advance(Duration.ofHours(1));
			assertThat(varve.applyRetention().deletedInPass()).isEqualTo(3);
			assertVersions(varve, "session-1", 7, 9);

			clock.advance(Duration.ofHours(10));
			varve.applyRetention();
			assertThat(varve.readStream("session-1", 1, 100)).isEmpty();
			// The stream stays, at its version, and takes new appends.
			assertThat(varve.streamInfo("session-1"))
				.hasValueSatisfying((info) -> assertThat(info.version()).isEqualTo(9));
			varve.append("session-1", ExpectedVersion.exact(9), new Deposited(10));
			assertVersions(varve, "session-1", 10, 10);
			assertThat(StoreCheck.run(varve).breaches()).isEmpty();
		}
	}

	@Test
	void largeDeletionsGoInBoundedStepsOnTheBackgroundThread() throws Exception {
		List<EventsDeleted> steps = new CopyOnWriteArrayList<>();
		CountDownLatch done = new CountDownLatch(1);
		try (Varve varve = Varve.builder()
			.path(this.dir)
			.eventTypes(Deposited.class)
			.retention("meter", RetentionPolicy.maxCount(100))
			.retentionInterval(Duration.ofMillis(20))
			.open()) {
			varve.processors()
				.register(ProcessorDefinition.builder("deletions")
					.filter(EventFilter.categories("meter").withEventTypes("NoSuchType"))
					.receiveDeletions()
					.handler((event, context) -> {
						EventsDeleted deleted = (EventsDeleted) event.data();
						steps.add(deleted);
						if (deleted.toVersion() == 1_100) {
							done.countDown();
						}
					})
					.build());
			varve.processors().start("deletions");
			append(varve, "meter-1", 1_200);

			assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();

			assertThat(steps).containsExactly(new EventsDeleted("meter-1", 1, 500, false),
					new EventsDeleted("meter-1", 501, 1_000, false), new EventsDeleted("meter-1", 1_001, 1_100, false));
			assertVersions(varve, "meter-1", 1_101, 1_200);
			// A pass run now starts once the background one ended, and deletes nothing
			// more.
			RetentionStatus status = varve.applyRetention();
			assertThat(status.eventsDeleted()).isEqualTo(1_100);
			assertThat(status.deletedInPass()).isZero();
		}
	}

	@Test
	void badPoliciesAreRefusedAndAStoreWithoutPoliciesReportsNone() {
		assertThatExceptionOfType(InvalidArgumentException.class).isThrownBy(() -> RetentionPolicy.maxCount(0));
		assertThatExceptionOfType(InvalidArgumentException.class)
			.isThrownBy(() -> RetentionPolicy.maxAge(Duration.ZERO));
		assertThatExceptionOfType(InvalidArgumentException.class).isThrownBy(() -> new RetentionPolicy(null, 0))
			.withMessageContaining("needs a maximum age, a maximum count or both");
		assertThatExceptionOfType(InvalidStreamNameException.class)
			.isThrownBy(() -> Varve.builder().retention(" ", RetentionPolicy.maxCount(1)));
		assertThatExceptionOfType(InvalidArgumentException.class)
			.isThrownBy(() -> Varve.builder().retentionInterval(Duration.ZERO));
		try (Varve varve = Varve.open(this.dir)) {
			RetentionStatus status = varve.applyRetention();
			assertThat(status.policies()).isEmpty();
			assertThat(status.passes()).isZero();
		}
	}

	private static void append(Varve varve, String stream, int count) {
		long version = varve.streamInfo(stream).map(StreamInfo::version).orElse(0L);
		varve.append(stream, ExpectedVersion.exact(version),
				LongStream.rangeClosed(version + 1, version + count).mapToObj(Deposited::new).toArray());
	}

	private static void assertVersions(Varve varve, String stream, long first, long last) {
		assertThat(varve.readStream(stream, 1, 10_000)).extracting(RecordedEvent::version)
			.containsExactlyElementsOf(LongStream.rangeClosed(first, last).boxed().toList());
	}

}

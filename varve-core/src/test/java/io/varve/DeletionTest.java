package io.varve;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.varve.TestEvents.Deposited;
import io.varve.TestEvents.Opened;
import io.varve.core.verify.StoreCheck;
import io.varve.processor.ProcessorDefinition;
import io.varve.processor.ProcessorRegistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Deleting streams and truncating them: deleted events are gone from every read at once,
 * positions stay taken, the tombstone guards the stream's name, and the store stays
 * sound.
 */
class DeletionTest {

	@TempDir
	Path dir;

	Varve varve;

	@BeforeEach
	void open() {
		this.varve = Varve.builder().path(this.dir).eventTypes(Opened.class, Deposited.class).open();
	}

	@AfterEach
	void close() {
		this.varve.close();
	}

	@Test
	void aDeletedStreamIsGoneFromEveryReadAtOnce() {
		this.varve.append("account-1", ExpectedVersion.noStream(), deposits(1, 40));
		this.varve.append("account-2", ExpectedVersion.noStream(), deposits(1, 3));
		this.varve.append("account-1", ExpectedVersion.exact(40), deposits(41, 45));
		long before = this.varve.headPosition();

		DeleteResult result = this.varve.deleteStream("account-1", ExpectedVersion.exact(45));

		assertThat(result).isEqualTo(new DeleteResult("account-1", 1, 45, before + 1, true));
		assertThat(result.deletedCount()).isEqualTo(45);
		assertThat(this.varve.headPosition()).isEqualTo(before + 1);
		assertThat(this.varve.readStream("account-1", 1, 100)).isEmpty();
		assertThat(this.varve.readStreamBackward("account-1", 100, 100)).isEmpty();
		assertThat(this.varve.scanStream("account-1", 1)).isEmpty();
		assertThat(this.varve.readAll(0, 1000)).extracting(RecordedEvent::stream).containsOnly("account-2");
		assertThat(this.varve.scanAll(0, EventFilter.all())).hasSize(3);
		assertThat(this.varve.readEvent(1)).isEmpty();
		assertThat(this.varve.readEvent(result.position())).isEmpty();
		assertThat(this.varve.streamInfo("account-1")).isEmpty();
		assertThat(this.varve.listStreams("account", null, 10)).extracting(StreamInfo::stream)
			.containsExactly("account-2");
		assertSound();
	}

	@Test
	void aDeletedStreamRefusesAppendsUnlessReCreatedAndItsVersionsGoOn() {
		this.varve.append("account-1", ExpectedVersion.noStream(), deposits(1, 5));
		this.varve.deleteStream("account-1", ExpectedVersion.any());

		for (ExpectedVersion expected : List.of(ExpectedVersion.noStream(), ExpectedVersion.any(),
				ExpectedVersion.exact(5), ExpectedVersion.streamExists())) {
			assertThatExceptionOfType(StreamDeletedException.class)
				.isThrownBy(() -> this.varve.append("account-1", expected, new Deposited(1)))
				.withMessageContaining("ExpectedVersion.recreate()")
				.satisfies((ex) -> assertThat(ex.lastVersion()).isEqualTo(5));
		}
		assertThatExceptionOfType(StreamDeletedException.class)
			.isThrownBy(() -> this.varve.deleteStream("account-1", ExpectedVersion.any()));
		assertThatExceptionOfType(WrongExpectedVersionException.class)
			.isThrownBy(() -> this.varve.append("account-9", ExpectedVersion.recreate(), new Deposited(1)));
		long head = this.varve.headPosition();

		AppendResult again = this.varve.append("account-1", ExpectedVersion.recreate(), new Opened("bob"));

		assertThat(again.version()).isEqualTo(6);
		assertThat(again.firstPosition()).isEqualTo(head + 1);
		assertThat(this.varve.readStream("account-1", 1, 10)).extracting(RecordedEvent::version).containsExactly(6L);
		assertThat(this.varve.streamInfo("account-1")).hasValueSatisfying((info) -> {
			assertThat(info.version()).isEqualTo(6);
			assertThat(info.firstPosition()).isEqualTo(head + 1);
		});
		assertThatExceptionOfType(WrongExpectedVersionException.class)
			.isThrownBy(() -> this.varve.append("account-1", ExpectedVersion.recreate(), new Deposited(1)));
		this.varve.append("account-1", ExpectedVersion.exact(6), deposits(7, 60));
		assertThat(this.varve.readStream("account-1", 1, 100)).extracting(RecordedEvent::version)
			.containsExactlyElementsOf(IntStream.rangeClosed(6, 60).mapToObj(Long::valueOf).toList());
		assertSound();
	}

	@Test
	void truncationKeepsTheNewestEventsAcrossIndexBlocks() {
		this.varve.append("account-1", ExpectedVersion.noStream(), deposits(1, 100));
		this.varve.append("other-1", ExpectedVersion.noStream(), deposits(1, 2));
		List<Long> positions = this.varve.readStream("account-1", 1, 100)
			.stream()
			.map(RecordedEvent::position)
			.toList();

		DeleteResult first = this.varve.truncateBefore("account-1", 50);
		assertThat(first.fromVersion()).isEqualTo(1);
		assertThat(first.toVersion()).isEqualTo(49);
		assertThat(first.streamDeleted()).isFalse();
		assertVersions("account-1", 50, 100);
		assertThat(this.varve.streamInfo("account-1")).hasValueSatisfying((info) -> {
			assertThat(info.version()).isEqualTo(100);
			assertThat(info.firstPosition()).isEqualTo(positions.get(49));
		});
		assertSound();

		// Inside the last, partial block, then adding until blocks fill again.
		assertThat(this.varve.truncateBefore("account-1", 98).deletedCount()).isEqualTo(48);
		assertVersions("account-1", 98, 100);
		this.varve.append("account-1", ExpectedVersion.exact(100), deposits(101, 170));
		assertVersions("account-1", 98, 170);
		assertThat(this.varve.readStreamBackward("account-1", 500, 500)).extracting(RecordedEvent::version)
			.first()
			.isEqualTo(170L);
		assertThat(this.varve.readStreamBackward("account-1", 500, 500)).hasSize(73);
		assertSound();

		// Nothing left before: nothing written.
		long head = this.varve.headPosition();
		assertThat(this.varve.truncateBefore("account-1", 10).deletedCount()).isZero();
		assertThat(this.varve.headPosition()).isEqualTo(head);

		// Past the end: every event goes, the stream stays and goes on.
		assertThat(this.varve.truncateBefore("account-1", 1_000).toVersion()).isEqualTo(170);
		assertThat(this.varve.readStream("account-1", 1, 10)).isEmpty();
		this.varve.append("account-1", ExpectedVersion.exact(170), new Deposited(171));
		assertVersions("account-1", 171, 171);
		assertSound();
	}

	@Test
	void badRequestsChangeNothing() {
		this.varve.append("account-1", ExpectedVersion.noStream(), deposits(1, 3));
		long head = this.varve.headPosition();
		assertThatExceptionOfType(WrongExpectedVersionException.class)
			.isThrownBy(() -> this.varve.deleteStream("account-1", ExpectedVersion.exact(2)))
			.satisfies((ex) -> assertThat(ex.actualVersion()).isEqualTo(3));
		assertThatExceptionOfType(WrongExpectedVersionException.class)
			.isThrownBy(() -> this.varve.deleteStream("account-7", ExpectedVersion.any()));
		assertThatExceptionOfType(WrongExpectedVersionException.class)
			.isThrownBy(() -> this.varve.truncateBefore("account-7", 3));
		assertThatExceptionOfType(InvalidArgumentException.class)
			.isThrownBy(() -> this.varve.truncateBefore("account-1", 0));
		assertThatExceptionOfType(InvalidArgumentException.class)
			.isThrownBy(() -> this.varve.deleteStream("account-1", null));
		assertThatExceptionOfType(InvalidStreamNameException.class)
			.isThrownBy(() -> this.varve.deleteStream(" ", ExpectedVersion.any()));
		assertThat(this.varve.headPosition()).isEqualTo(head);
		assertVersions("account-1", 1, 3);
	}

	@Test
	void aRetriedAppendOfDeletedEventsIsNotWrittenAgain() {
		UUID id = UUID.randomUUID();
		this.varve.append("account-1", ExpectedVersion.noStream(), List.of(EventData.of(new Deposited(1)).withId(id)));
		this.varve.append("account-1", ExpectedVersion.exact(1), new Deposited(2));
		this.varve.truncateBefore("account-1", 2);

		assertThatExceptionOfType(DuplicateEventIdException.class)
			.isThrownBy(() -> this.varve.append("account-1", ExpectedVersion.noStream(),
					List.of(EventData.of(new Deposited(1)).withId(id))))
			.withMessageContaining("deleted");
		assertVersions("account-1", 2, 2);
	}

	@Test
	void processorsSkipDeletedEventsKeepExactLagAndThoseWhoAskSeeEachDeletionOnce() {
		this.varve.append("account-1", ExpectedVersion.noStream(), deposits(1, 10));
		this.varve.append("account-2", ExpectedVersion.noStream(), deposits(1, 10));
		DeleteResult deleted = this.varve.deleteStream("account-1", ExpectedVersion.any());
		DeleteResult truncated = this.varve.truncateBefore("account-2", 4);
		ProcessorRegistry processors = this.varve.processors();
		List<Long> seen = Collections.synchronizedList(new ArrayList<>());
		List<EventsDeleted> deletions = Collections.synchronizedList(new ArrayList<>());
		processors.register(
				ProcessorDefinition.builder("plain").handler((event, context) -> seen.add(event.position())).build());
		processors.register(ProcessorDefinition.builder("rows")
			.filter(EventFilter.categories("account").withEventTypes("NoSuchType"))
			.receiveDeletions()
			.handler((event, context) -> {
				assertThat(event.type()).isEqualTo(EventsDeleted.TYPE);
				deletions.add((EventsDeleted) event.data());
			})
			.build());
		processors.start("plain");
		processors.start("rows");
		long head = this.varve.headPosition();
		assertThat(head).isEqualTo(truncated.position());

		processors.awaitProcessed("plain", head, Duration.ofSeconds(10));
		processors.awaitProcessed("rows", head, Duration.ofSeconds(10));

		assertThat(seen).hasSize(7).allMatch((position) -> position > 10 && position < deleted.position());
		assertThat(processors.status("plain").checkpoint()).isEqualTo(head);
		assertThat(processors.status("plain").lag()).isZero();
		assertThat(deletions).containsExactly(new EventsDeleted("account-1", 1, 10, true),
				new EventsDeleted("account-2", 1, 3, false));

		// Deleting the last events: a caught-up processor moves on to the new head. A
		// stream outside the filter's categories is not reported.
		this.varve.append("other-1", ExpectedVersion.noStream(), deposits(1, 2));
		this.varve.deleteStream("other-1", ExpectedVersion.exact(2));
		this.varve.append("account-3", ExpectedVersion.noStream(), deposits(1, 2));
		DeleteResult last = this.varve.deleteStream("account-3", ExpectedVersion.exact(2));
		processors.awaitProcessed("plain", last.position(), Duration.ofSeconds(10));
		processors.awaitProcessed("rows", last.position(), Duration.ofSeconds(10));
		assertThat(processors.status("plain").lag()).isZero();
		assertThat(deletions).hasSize(3).last().isEqualTo(new EventsDeleted("account-3", 1, 2, true));
	}

	@Test
	void deletionsSurviveReopeningAndTheDeletedSpaceIsReused() {
		String big = "x".repeat(1_000);
		long start = this.varve.storeInfo().usedBytes();
		long afterFirst = 0;
		for (int round = 0; round < 4; round++) {
			String stream = "blob-" + round;
			for (int i = 0; i < 10; i++) {
				this.varve.append(stream, (i == 0) ? ExpectedVersion.noStream() : ExpectedVersion.exact(i * 100L),
						IntStream.range(0, 100).mapToObj((n) -> new Opened(big + n)).toArray());
			}
			if (round == 0) {
				afterFirst = this.varve.storeInfo().usedBytes();
			}
			else if (round == 3) {
				// Rounds 2 and 3 wrote their events into the space the rounds before
				// freed (round 1 could not yet: the checkpoint taken at its open still
				// pins round 0's pages): rounds 1 to 3 grew the file by less than two
				// rounds' worth (without reuse, by three).
				assertThat(this.varve.storeInfo().usedBytes() - afterFirst).isLessThan(2 * (afterFirst - start));
			}
			this.varve.deleteStream(stream, ExpectedVersion.exact(1_000));
			// Freed pages are reused once a checkpoint no longer needs them (every second
			// while writing, and at close).
			this.varve.close();
			this.varve = Varve.builder().path(this.dir).eventTypes(Opened.class, Deposited.class).open();
		}
		this.varve.close();
		this.varve = Varve.builder().path(this.dir).eventTypes(Opened.class, Deposited.class).open();
		assertThat(this.varve.readAll(0, 10)).isEmpty();
		assertThat(this.varve.streamInfo("blob-1")).isEmpty();
		assertThatExceptionOfType(StreamDeletedException.class)
			.isThrownBy(() -> this.varve.append("blob-1", ExpectedVersion.any(), new Deposited(1)));
		assertSound();
	}

	@Test
	void aBackupTakenAfterADeletionHoldsNoneOfTheDeletedBytes() throws Exception {
		String token = UUID.randomUUID().toString();
		String secret = "gone-" + token;
		this.varve.append("customer-1", ExpectedVersion.noStream(), new Opened(secret));
		this.varve.append("customer-2", ExpectedVersion.noStream(), new Opened("kept-" + token));
		Path before = this.dir.resolveSibling(this.dir.getFileName() + "-before");
		Path after = this.dir.resolveSibling(this.dir.getFileName() + "-after");
		this.varve.backup(before);
		this.varve.deleteStream("customer-1", ExpectedVersion.exact(1));
		this.varve.backup(after);

		byte[] needle = secret.getBytes(java.nio.charset.StandardCharsets.UTF_8);
		// The search finds the value where it is stored, so its absence means something.
		assertThat(count(before.resolve("data.mdb"), needle)).isEqualTo(1);
		assertThat(count(after.resolve("data.mdb"), needle)).isZero();
		assertThat(
				count(after.resolve("data.mdb"), ("kept-" + token).getBytes(java.nio.charset.StandardCharsets.UTF_8)))
			.isEqualTo(1);
		try (Varve copy = Varve.builder().path(after).eventTypes(Opened.class, Deposited.class).open()) {
			assertThat(copy.readAll(0, 10)).extracting(RecordedEvent::stream).containsExactly("customer-2");
			assertThat(StoreCheck.run(copy).breaches()).isEmpty();
		}
	}

	private static int count(Path file, byte[] needle) throws java.io.IOException {
		byte[] bytes = java.nio.file.Files.readAllBytes(file);
		int found = 0;
		for (int i = 0; i + needle.length <= bytes.length; i++) {
			if (java.util.Arrays.equals(bytes, i, i + needle.length, needle, 0, needle.length)) {
				found++;
			}
		}
		return found;
	}

	private void assertVersions(String stream, long first, long last) {
		List<Long> expected = java.util.stream.LongStream.rangeClosed(first, last).boxed().toList();
		assertThat(this.varve.readStream(stream, 1, 10_000)).extracting(RecordedEvent::version)
			.containsExactlyElementsOf(expected);
		assertThat(this.varve.scanStream(stream, 1).map(RecordedEvent::version).toList())
			.containsExactlyElementsOf(expected);
		List<Long> backward = new ArrayList<>(expected);
		Collections.reverse(backward);
		assertThat(this.varve.readStreamBackward(stream, Long.MAX_VALUE, 10_000)).extracting(RecordedEvent::version)
			.containsExactlyElementsOf(backward);
	}

	private void assertSound() {
		StoreCheck.Report report = StoreCheck.run(this.varve);
		assertThat(report.breaches()).isEmpty();
	}

	private static Object[] deposits(long fromVersion, long toVersion) {
		return java.util.stream.LongStream.rangeClosed(fromVersion, toVersion).mapToObj(Deposited::new).toArray();
	}

}

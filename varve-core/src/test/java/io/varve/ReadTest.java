package io.varve;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.varve.TestEvents.Deposited;
import io.varve.TestEvents.Opened;
import io.varve.TestEvents.Withdrawn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class ReadTest {

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

	private void fill(String stream, int count) {
		for (int i = 1; i <= count; i++) {
			this.varve.append(stream, ExpectedVersion.any(), new Deposited(i));
		}
	}

	private static List<Long> amounts(List<RecordedEvent> events) {
		return events.stream().map((event) -> ((Deposited) event.data()).amount()).toList();
	}

	@Test
	void readStreamForwardFromAVersionWithALimit() {
		fill("s-1", 10);
		assertThat(amounts(this.varve.readStream("s-1", 4, 3))).containsExactly(4L, 5L, 6L);
		assertThat(amounts(this.varve.readStream("s-1", 9, 100))).containsExactly(9L, 10L);
		assertThat(this.varve.readStream("s-1", 11, 5)).isEmpty();
	}

	@Test
	void readStreamBackwardFromAVersion() {
		fill("s-1", 10);
		assertThat(amounts(this.varve.readStreamBackward("s-1", 4, 3))).containsExactly(4L, 3L, 2L);
		assertThat(amounts(this.varve.readStreamBackward("s-1", Long.MAX_VALUE, 2))).containsExactly(10L, 9L);
		assertThat(amounts(this.varve.readStreamBackward("s-1", 2, 10))).containsExactly(2L, 1L);
	}

	@Test
	void readingAStreamDoesNotSpillIntoNeighbouringStreams() {
		fill("a", 3);
		fill("b", 3);
		fill("c", 3);
		assertThat(this.varve.readStream("b", 1, 100)).extracting(RecordedEvent::stream).containsOnly("b").hasSize(3);
		assertThat(this.varve.readStreamBackward("b", 100, 100)).extracting(RecordedEvent::stream)
			.containsOnly("b")
			.hasSize(3);
		assertThat(this.varve.readStreamBackward("c", 100, 100)).hasSize(3);
		assertThat(this.varve.readStreamBackward("a", 1, 100)).hasSize(1);
	}

	@Test
	void aMissingStreamReadsEmpty() {
		assertThat(this.varve.readStream("nope", 1, 10)).isEmpty();
		assertThat(this.varve.readStreamBackward("nope", 10, 10)).isEmpty();
		assertThat(this.varve.streamInfo("nope")).isEmpty();
	}

	@Test
	void readAllFromAPosition() {
		fill("s-1", 5);
		assertThat(this.varve.readAll(3, 2)).extracting(RecordedEvent::position).containsExactly(3L, 4L);
		assertThat(this.varve.readAll(0, 100)).hasSize(5);
		assertThat(this.varve.readAll(1, 100)).hasSize(5);
		assertThat(this.varve.readAll(6, 100)).isEmpty();
	}

	@Test
	void readAllFiltersByCategoryStreamAndType() {
		this.varve.append("account-1", ExpectedVersion.any(), new Opened("a"), new Deposited(1));
		this.varve.append("account-2", ExpectedVersion.any(), new Opened("b"), new Withdrawn(2));
		this.varve.append("accounting", ExpectedVersion.any(), new Deposited(3));
		this.varve.append("transfer-1", ExpectedVersion.any(), new Deposited(4));
		assertThat(this.varve.readAll(0, 100, EventFilter.categories("account"))).extracting(RecordedEvent::stream)
			.containsExactly("account-1", "account-1", "account-2", "account-2");
		assertThat(this.varve.readAll(0, 100, EventFilter.streams("accounting", "transfer-1")))
			.extracting(RecordedEvent::position)
			.containsExactly(5L, 6L);
		assertThat(this.varve.readAll(0, 100, EventFilter.eventTypes(Deposited.class)))
			.extracting(RecordedEvent::position)
			.containsExactly(2L, 5L, 6L);
		assertThat(this.varve.readAll(0, 100, EventFilter.categories("account").withEventTypes("account-opened")))
			.extracting(RecordedEvent::position)
			.containsExactly(1L, 3L);
		assertThat(this.varve.readAll(0, 100, EventFilter.categories("accounting").withStreams("account-2")))
			.extracting(RecordedEvent::position)
			.containsExactly(3L, 4L, 5L);
	}

	@Test
	void aCategoryEndsAtTheFirstDash() {
		this.varve.append("account-eu-1", ExpectedVersion.any(), new Deposited(1));
		this.varve.append("account-1", ExpectedVersion.any(), new Deposited(2));
		this.varve.append("account-eu", ExpectedVersion.any(), new Deposited(3));
		this.varve.append("accounteu-1", ExpectedVersion.any(), new Deposited(4));
		RecordedEvent event = this.varve.readStream("account-eu-1", 1, 1).get(0);
		assertThat(event.category()).isEqualTo("account");
		assertThat(this.varve.streamInfo("account-eu-1").orElseThrow().category()).isEqualTo("account");
		assertThat(EventFilter.categories("account").matches("account-eu-1", "Deposited")).isTrue();
		assertThat(EventFilter.categories("account-eu").matches("account-eu-1", "Deposited")).isFalse();
		// The same on stored envelopes, which reads filter without decoding names.
		assertThat(this.varve.readAll(0, 100, EventFilter.categories("account"))).extracting(RecordedEvent::position)
			.containsExactly(1L, 2L, 3L);
		assertThat(this.varve.readAll(0, 100, EventFilter.categories("account-eu"))).isEmpty();
		try (Stream<RecordedEvent> scan = this.varve.scanAll(0, EventFilter.categories("account"))) {
			assertThat(scan.map(RecordedEvent::stream)).containsExactly("account-eu-1", "account-1", "account-eu");
		}
	}

	@Test
	void filteredReadAllFindsSparseMatchesFarApart() {
		this.varve.append("rare-1", ExpectedVersion.any(), new Opened("first"));
		List<EventData> filler = LongStream.range(0, 20_000).mapToObj((i) -> EventData.of(new Deposited(i))).toList();
		this.varve.append("common-1", ExpectedVersion.any(), filler);
		this.varve.append("rare-2", ExpectedVersion.any(), new Opened("second"));
		List<RecordedEvent> rare = this.varve.readAll(0, 10, EventFilter.categories("rare"));
		assertThat(rare).extracting(RecordedEvent::position).containsExactly(1L, 20_002L);
		assertThat(this.varve.readAll(2, 1, EventFilter.categories("rare"))).extracting(RecordedEvent::position)
			.containsExactly(20_002L);
	}

	@Test
	void readEventByPosition() {
		fill("s-1", 3);
		assertThat(this.varve.readEvent(2)).map(RecordedEvent::version).contains(2L);
		assertThat(this.varve.readEvent(4)).isEmpty();
	}

	@Test
	void scanStreamReadsAWholeStreamInChunks() {
		List<EventData> events = LongStream.rangeClosed(1, 1300)
			.mapToObj((i) -> EventData.of(new Deposited(i)))
			.toList();
		this.varve.append("big-1", ExpectedVersion.noStream(), events);
		fill("other", 3);
		assertThat(this.varve.scanStream("big-1", 1).mapToLong((e) -> ((Deposited) e.data()).amount()).sum())
			.isEqualTo(1300L * 1301 / 2);
		assertThat(this.varve.scanStream("big-1", 1000).count()).isEqualTo(301);
		assertThat(this.varve.scanStream("missing", 1).count()).isZero();
	}

	@Test
	void scanAllReadsTheWholeLogLazilyWithAFilter() {
		for (int i = 0; i < 3; i++) {
			this.varve.append("a-" + i, ExpectedVersion.any(),
					LongStream.range(0, 700).mapToObj((n) -> EventData.of(new Deposited(n))).toList());
		}
		assertThat(this.varve.scanAll(0, EventFilter.all()).count()).isEqualTo(2100);
		assertThat(this.varve.scanAll(0, EventFilter.streams("a-1")).map(RecordedEvent::version).toList())
			.containsExactlyElementsOf(LongStream.rangeClosed(1, 700).boxed().toList());
		assertThat(this.varve.scanAll(2000, EventFilter.all()).findFirst()).map(RecordedEvent::position)
			.contains(2000L);
	}

	@Test
	void scanAllSeesEventsAppendedWhileItRuns() {
		fill("s-1", 600);
		var iterator = this.varve.scanAll(0, EventFilter.all()).iterator();
		long seen = 0;
		while (iterator.hasNext()) {
			iterator.next();
			seen++;
			if (seen == 1) {
				fill("s-2", 5);
			}
		}
		assertThat(seen).isEqualTo(605);
	}

	/**
	 * Long scans read their next chunk ahead while the caller consumes the current one;
	 * events appended while the caller consumes the last chunk are still part of the
	 * scan, and the events come in order, each once.
	 */
	@Test
	void scansThatReadAheadStillSeeEventsAppendedWhileTheLastChunkIsConsumed() throws InterruptedException {
		this.varve.append("long-1", ExpectedVersion.noStream(),
				LongStream.rangeClosed(1, 1536).mapToObj((i) -> EventData.of(new Deposited(i))).toList());
		List<Long> streamAmounts = new java.util.ArrayList<>();
		this.varve.scanStream("long-1", 1).forEach((event) -> {
			streamAmounts.add(((Deposited) event.data()).amount());
			if (streamAmounts.size() == 1100) {
				fill("long-1", 7);
			}
		});
		assertThat(streamAmounts).hasSize(1543);
		assertThat(streamAmounts.subList(0, 1536))
			.containsExactlyElementsOf(LongStream.rangeClosed(1, 1536).boxed().toList());
		List<Long> positions = new java.util.ArrayList<>();
		this.varve.scanAll(0, EventFilter.all()).forEach((event) -> {
			positions.add(event.position());
			if (positions.size() == 1100) {
				fill("long-2", 5);
			}
		});
		assertThat(positions).containsExactlyElementsOf(LongStream.rangeClosed(1, 1548).boxed().toList());
		List<Thread> helpers = Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter((thread) -> thread.getName().equals("varve-read-ahead[" + this.dir.getFileName() + "]"))
			.toList();
		assertThat(helpers).as("the scans' read-ahead thread").hasSize(1);
		this.varve.close();
		helpers.get(0).join(10_000);
		assertThat(helpers.get(0).isAlive()).as("read-ahead thread alive after close").isFalse();
	}

	@Test
	void streamInfoReportsTheHead() {
		java.time.Instant before = java.time.Instant.now().minusMillis(1);
		this.varve.append("other", ExpectedVersion.any(), new Deposited(0));
		fill("s-1", 3);
		StreamInfo info = this.varve.streamInfo("s-1").orElseThrow();
		assertThat(info.stream()).isEqualTo("s-1");
		assertThat(info.version()).isEqualTo(3);
		assertThat(info.firstPosition()).isEqualTo(2);
		assertThat(info.lastPosition()).isEqualTo(4);
		assertThat(info.createdAt()).isAfterOrEqualTo(before).isBeforeOrEqualTo(info.updatedAt());
		assertThat(info.category()).isEqualTo("s");
	}

	@Test
	void listStreamsPagesByNameAndFiltersByPrefix() {
		for (String name : List.of("account-3", "account-1", "transfer-1", "account-2", "accounting", "b")) {
			this.varve.append(name, ExpectedVersion.any(), new Deposited(1));
		}
		assertThat(this.varve.listStreams("", null, 100)).extracting(StreamInfo::stream)
			.containsExactly("account-1", "account-2", "account-3", "accounting", "b", "transfer-1");
		List<StreamInfo> first = this.varve.listStreams("account-", null, 2);
		assertThat(first).extracting(StreamInfo::stream).containsExactly("account-1", "account-2");
		assertThat(this.varve.listStreams("account-", "account-2", 2)).extracting(StreamInfo::stream)
			.containsExactly("account-3");
		assertThat(this.varve.listStreams("zzz", null, 2)).isEmpty();
		assertThat(this.varve.listStreams("", "b", 10)).extracting(StreamInfo::stream).containsExactly("transfer-1");
		assertThat(this.varve.streamCount()).isEqualTo(6);
	}

	@Test
	void badRangesAreRejectedWithClearMessages() {
		assertThatExceptionOfType(InvalidArgumentException.class).isThrownBy(() -> this.varve.readStream("s", 0, 1))
			.withMessageContaining("version 1");
		assertThatExceptionOfType(InvalidArgumentException.class).isThrownBy(() -> this.varve.readStream("s", 1, 0))
			.withMessageContaining("maxCount");
		assertThatExceptionOfType(InvalidArgumentException.class)
			.isThrownBy(() -> this.varve.readStreamBackward("s", -3, 1));
		assertThatExceptionOfType(InvalidArgumentException.class).isThrownBy(() -> this.varve.readAll(-1, 1));
		assertThatExceptionOfType(InvalidArgumentException.class).isThrownBy(() -> this.varve.readAll(0, -5));
		assertThatExceptionOfType(InvalidArgumentException.class).isThrownBy(() -> this.varve.readAll(0, 5, null));
		assertThatExceptionOfType(InvalidArgumentException.class).isThrownBy(() -> this.varve.readEvent(0));
		assertThatExceptionOfType(InvalidArgumentException.class).isThrownBy(() -> this.varve.listStreams("", null, 0));
		assertThatExceptionOfType(InvalidArgumentException.class)
			.isThrownBy(() -> this.varve.listStreams(null, null, 1));
		assertThatExceptionOfType(InvalidStreamNameException.class).isThrownBy(() -> this.varve.readStream("", 1, 1));
	}

	@Test
	void recordedEventsExposeEnvelopeFieldsWithoutDecodingThePayload() {
		this.varve.append("account-7", ExpectedVersion.any(), new Opened("x"));
		RecordedEvent event = this.varve.readAll(0, 1).get(0);
		assertThat(event.type()).isEqualTo("account-opened");
		assertThat(event.category()).isEqualTo("account");
		assertThat(event.dataSize())
			.isEqualTo(VarveBuilder.defaultMapperBuilder().build().writeValueAsBytes(new Opened("x")).length);
		assertThat(event.rawData()).hasSize(event.dataSize());
		assertThat(event.toString()).contains("account-7").contains("account-opened");
		assertThat(event.dataAs(Opened.class)).isEqualTo(new Opened("x"));
		assertThat(event.dataAs(java.util.Map.class)).containsEntry("owner", "x");
	}

	@Test
	void filterMatchesOnStringsLikeOnEnvelopes() {
		EventFilter filter = EventFilter.categories("account").withEventTypes("Deposited");
		assertThat(filter.matches("account-1", "Deposited")).isTrue();
		assertThat(filter.matches("account", "Deposited")).isTrue();
		assertThat(filter.matches("accounting-1", "Deposited")).isFalse();
		assertThat(filter.matches("account-1", "Withdrawn")).isFalse();
		assertThat(EventFilter.all().isAll()).isTrue();
		assertThatExceptionOfType(InvalidArgumentException.class)
			.isThrownBy(() -> EventFilter.categories(new String[0]));
		assertThatExceptionOfType(InvalidArgumentException.class).isThrownBy(() -> EventFilter.streams(" "));
	}

	@Test
	void streamReadsAreExactAcrossIndexBlocksWhateverTheAppendSizes() {
		// Streams are indexed in blocks of 32 positions; the tail lives in the stream
		// head.
		int[] lengths = { 1, 31, 32, 33, 64, 65, 100 };
		int[] appendSizes = { 1, 7, 40, 3 };
		java.util.Map<String, List<Long>> positions = new java.util.HashMap<>();
		int turn = 0;
		boolean more = true;
		while (more) {
			more = false;
			for (int length : lengths) {
				String stream = "len-" + length;
				List<Long> written = positions.computeIfAbsent(stream, (name) -> new java.util.ArrayList<>());
				int size = Math.min(appendSizes[turn++ % appendSizes.length], length - written.size());
				if (size <= 0) {
					continue;
				}
				more = true;
				List<EventData> events = LongStream.range(0, size)
					.mapToObj((i) -> EventData.of(new Deposited(written.size() + i + 1)))
					.toList();
				AppendResult result = this.varve.append(stream, ExpectedVersion.exact(written.size()), events);
				for (long p = result.firstPosition(); p <= result.lastPosition(); p++) {
					written.add(p);
				}
			}
		}
		for (int length : lengths) {
			String stream = "len-" + length;
			List<Long> expected = positions.get(stream);
			for (long from = 1; from <= length + 1; from++) {
				int from0 = (int) from - 1;
				assertThat(this.varve.readStream(stream, from, 1000)).extracting(RecordedEvent::position)
					.as("%s forward from %d", stream, from)
					.containsExactlyElementsOf(expected.subList(Math.min(from0, length), length));
				List<Long> backward = new java.util.ArrayList<>(expected.subList(0, Math.min((int) from, length)));
				java.util.Collections.reverse(backward);
				assertThat(this.varve.readStreamBackward(stream, from, 1000)).extracting(RecordedEvent::position)
					.as("%s backward from %d", stream, from)
					.containsExactlyElementsOf(backward);
			}
			assertThat(this.varve.readStream(stream, 1, 1000)).extracting(RecordedEvent::version)
				.containsExactlyElementsOf(LongStream.rangeClosed(1, length).boxed().toList());
			assertThat(amounts(this.varve.readStream(stream, 30, 5)))
				.containsExactlyElementsOf(LongStream.rangeClosed(30, Math.min(34, length)).boxed().toList());
		}
	}

}

package io.varve.reliability;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import io.varve.CorruptDataException;
import io.varve.DuplicateEventIdException;
import io.varve.EventData;
import io.varve.EventSerializationException;
import io.varve.EventTooLargeException;
import io.varve.EventType;
import io.varve.EventTypeConflictException;
import io.varve.ExpectedVersion;
import io.varve.InvalidArgumentException;
import io.varve.InvalidStreamNameException;
import io.varve.ReadOnlyStoreException;
import io.varve.StreamAppend;
import io.varve.Varve;
import io.varve.VarveClosedException;
import io.varve.VarveException;
import io.varve.WrongExpectedVersionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Bad input anywhere in the API gets a typed {@link VarveException} whose message says
 * what to do, and leaves the store exactly as it was: same head position, same stream
 * versions, same bytes in the log.
 */
class BadInputTest {

	private static final UUID ID_1 = UUID.fromString("00000000-0000-7000-8000-000000000001");

	private static final UUID ID_2 = UUID.fromString("00000000-0000-7000-8000-000000000002");

	private static final UUID ID_3 = UUID.fromString("00000000-0000-7000-8000-000000000003");

	private static final UUID ID_OTHER = UUID.fromString("00000000-0000-7000-8000-000000000009");

	@TempDir
	Path dir;

	private Varve varve;

	@BeforeEach
	void createStore() {
		this.varve = Varve.builder()
			.path(this.dir.resolve("store"))
			.maxEventSize(64 * 1024)
			.eventTypes(Clash.B.class)
			.open();
		this.varve.append("account-1", ExpectedVersion.noStream(),
				List.of(event(1).withId(ID_1), event(2).withId(ID_2), event(3).withId(ID_3)));
		this.varve.append("account-2", ExpectedVersion.noStream(), List.of(event(4).withId(ID_OTHER)));
	}

	@AfterEach
	void closeStore() {
		this.varve.close();
	}

	@TestFactory
	Stream<DynamicTest> badInputIsRefusedWithATypedHelpfulErrorAndChangesNothing() {
		return cases().stream().map((bad) -> DynamicTest.dynamicTest(bad.name(), () -> assertRefusedUnchanged(bad)));
	}

	private List<Bad> cases() {
		Varve v = this.varve;
		String names = "Stream names are 1 to 255 bytes of UTF-8 text";
		List<Bad> cases = new ArrayList<>();
		// Stream names
		cases.add(new Bad("null stream name", InvalidStreamNameException.class, names,
				() -> v.append(null, ExpectedVersion.any(), event(1))));
		cases.add(new Bad("empty stream name", InvalidStreamNameException.class, names,
				() -> v.append("", ExpectedVersion.any(), event(1))));
		cases.add(new Bad("blank stream name", InvalidStreamNameException.class, "it is blank",
				() -> v.append("   ", ExpectedVersion.any(), event(1))));
		cases.add(new Bad("stream name of 256 bytes", InvalidStreamNameException.class, "more than the limit of 255",
				() -> v.append("a".repeat(256), ExpectedVersion.any(), event(1))));
		cases.add(new Bad("stream name of 128 two-byte characters", InvalidStreamNameException.class,
				"256 bytes long in UTF-8", () -> v.append("é".repeat(128), ExpectedVersion.any(), event(1))));
		cases.add(new Bad("stream name with NUL", InvalidStreamNameException.class, "control character U+0000",
				() -> v.append("a\u0000b", ExpectedVersion.any(), event(1))));
		cases.add(new Bad("stream name with a line break", InvalidStreamNameException.class, "control character U+000A",
				() -> v.append("a\nb", ExpectedVersion.any(), event(1))));
		cases.add(new Bad("stream name with an unpaired surrogate", InvalidStreamNameException.class,
				"unpaired surrogate", () -> v.append("a\uD800b", ExpectedVersion.any(), event(1))));
		cases.add(new Bad("stream name with leading white space", InvalidStreamNameException.class,
				"starts or ends with white space", () -> v.append(" account-1", ExpectedVersion.any(), event(1))));
		cases.add(new Bad("stream name with a right-to-left override", InvalidStreamNameException.class,
				"U+202E RIGHT-TO-LEFT OVERRIDE at index 8",
				() -> v.append("account-\u202E1", ExpectedVersion.any(), event(1))));
		cases.add(new Bad("stream name with a trailing no-break space", InvalidStreamNameException.class,
				"U+00A0 NO-BREAK SPACE at index 9",
				() -> v.append("account-1\u00A0", ExpectedVersion.any(), event(1))));
		cases.add(new Bad("stream name not in NFC", InvalidStreamNameException.class, "not in Unicode NFC",
				() -> v.append("cafe\u0301-1", ExpectedVersion.any(), event(1))));
		cases.add(new Bad("bad stream name in a read", InvalidStreamNameException.class, names,
				() -> v.readStream("a\u0007", 1, 10)));
		// Events
		cases.add(new Bad("null event", InvalidArgumentException.class, "every event must be an object",
				() -> v.append("account-3", ExpectedVersion.any(), (Object) null)));
		cases.add(new Bad("null event array", InvalidArgumentException.class, "pass at least one event",
				() -> v.append("account-3", ExpectedVersion.any(), (Object[]) null)));
		cases.add(new Bad("null event list", InvalidArgumentException.class, "needs at least one event",
				() -> v.append("account-3", ExpectedVersion.any(), (List<EventData>) null)));
		cases.add(new Bad("empty event list", InvalidArgumentException.class, "needs at least one event",
				() -> v.append("account-3", ExpectedVersion.any(), List.of())));
		cases.add(new Bad("no events at all", InvalidArgumentException.class, "needs at least one event",
				() -> v.append("account-3", ExpectedVersion.any())));
		cases.add(new Bad("null in an event list", InvalidArgumentException.class, "is null",
				() -> v.append("account-3", ExpectedVersion.any(), nullInList())));
		cases.add(new Bad("EventData of null", InvalidArgumentException.class, "pass the event object",
				() -> EventData.of(null)));
		cases.add(new Bad("event Jackson cannot serialise", EventSerializationException.class,
				"reading 'value' threw java.lang.IllegalStateException: no value. Fix that accessor",
				() -> v.append("account-3", ExpectedVersion.any(), new Unserialisable())));
		cases.add(new Bad("event whose state Jackson cannot see", EventSerializationException.class,
				"Make it a record, add public getters",
				() -> v.append("account-3", ExpectedVersion.any(), event(1).event(), new Invisible(7))));
		cases.add(new Bad("event holding a Thread", EventSerializationException.class,
				"in property 'thread', java.lang.Thread is a JDK class",
				() -> v.append("account-3", ExpectedVersion.any(), new HoldsThread(Thread.currentThread()))));
		cases.add(new Bad("a String as an event", InvalidArgumentException.class, "wrap the value in a record",
				() -> v.append("account-3", ExpectedVersion.any(), "deposit 10")));
		cases.add(new Bad("a HashMap as an event", InvalidArgumentException.class, "wrap the value in a record",
				() -> v.append("account-3", ExpectedVersion.any(), new HashMap<>(Map.of("a", 1)))));
		cases.add(new Bad("an anonymous class as an event", InvalidArgumentException.class,
				"wrap the value in a record", () -> v.append("account-3", ExpectedVersion.any(), new Object() {
					public int getValue() {
						return 1;
					}
				})));
		cases.add(
				new Bad("event over the size limit", EventTooLargeException.class, "make it smaller or raise the limit",
						() -> v.append("account-3", ExpectedVersion.any(), Filler.of(1, 70_000))));
		cases.add(new Bad("metadata over the size limit", EventTooLargeException.class, "metadata 7",
				() -> v.append("account-3", ExpectedVersion.any(),
						List.of(event(1).withMetadata(Map.of("blob", "m".repeat(70_000)))))));
		cases.add(new Bad("metadata Jackson cannot serialise", EventSerializationException.class, "Fix that accessor",
				() -> v.append("account-3", ExpectedVersion.any(),
						List.of(event(1).withMetadata(new Unserialisable())))));
		cases.add(new Bad("an oversized event after valid ones", EventTooLargeException.class,
				"make it smaller or raise the limit",
				() -> v.append("account-3", ExpectedVersion.any(), event(1), event(2), Filler.of(3, 70_000))));
		cases.add(new Bad("two classes claiming one type name", EventTypeConflictException.class,
				"give one of them a distinct name",
				() -> v.append("account-3", ExpectedVersion.any(), new Clash.A(1))));
		// Expected versions
		cases.add(new Bad("null expected version", InvalidArgumentException.class, "use ExpectedVersion.any()",
				() -> v.append("account-1", null, event(1))));
		cases.add(new Bad("noStream on an existing stream", WrongExpectedVersionException.class,
				"reload the stream and retry", () -> v.append("account-1", ExpectedVersion.noStream(), event(1))));
		cases.add(new Bad("exact on a missing stream", WrongExpectedVersionException.class, "it does not exist",
				() -> v.append("account-9", ExpectedVersion.exact(2), event(1))));
		cases.add(new Bad("exact with a stale version", WrongExpectedVersionException.class,
				"its version is 3; reload the stream and retry",
				() -> v.append("account-1", ExpectedVersion.exact(2), event(1))));
		cases.add(new Bad("exact with a future version", WrongExpectedVersionException.class,
				"reload the stream and retry", () -> v.append("account-1", ExpectedVersion.exact(4), event(1))));
		cases.add(new Bad("streamExists on a missing stream", WrongExpectedVersionException.class,
				"reload the stream and retry", () -> v.append("account-9", ExpectedVersion.streamExists(), event(1))));
		cases.add(new Bad("negative exact version", InvalidArgumentException.class, "use ExpectedVersion.noStream()",
				() -> v.append("account-1", ExpectedVersion.exact(-1), event(1))));
		// Event ids
		UUID fresh = UUID.fromString("00000000-0000-7000-8000-0000000000aa");
		cases.add(new Bad("one id twice in an append", DuplicateEventIdException.class, "every event needs its own id",
				() -> v.append("account-3", ExpectedVersion.any(),
						List.of(event(1).withId(fresh), event(2).withId(fresh)))));
		cases.add(new Bad("an id stored in another stream", DuplicateEventIdException.class,
				"use a new id for a new event",
				() -> v.append("account-3", ExpectedVersion.any(), List.of(event(1).withId(ID_OTHER)))));
		cases.add(new Bad("a retry with only some ids stored", DuplicateEventIdException.class,
				"retry the original append unchanged", () -> v.append("account-1", ExpectedVersion.exact(0),
						List.of(event(1).withId(ID_1), event(2).withId(ID_2), event(9).withId(fresh)))));
		cases.add(new Bad("stored ids in another order", DuplicateEventIdException.class, "use a new id", () -> v
			.append("account-1", ExpectedVersion.noStream(), List.of(event(2).withId(ID_2), event(1).withId(ID_1)))));
		cases.add(new Bad("a retry placed where it was not written", WrongExpectedVersionException.class,
				"reload the stream and retry", () -> v.append("account-1", ExpectedVersion.exact(1),
						List.of(event(1).withId(ID_1), event(2).withId(ID_2)))));
		// Transactions
		cases.add(new Bad("one stream twice in a transaction", InvalidArgumentException.class,
				"put all its events in one StreamAppend",
				() -> v.transaction(StreamAppend.of("account-5", ExpectedVersion.any(), event(1)),
						StreamAppend.of("account-5", ExpectedVersion.any(), event(2)))));
		cases.add(new Bad("empty transaction", InvalidArgumentException.class, "needs at least one stream append",
				() -> v.transaction(List.of())));
		cases.add(new Bad("null transaction", InvalidArgumentException.class, "must not be null",
				() -> v.transaction((StreamAppend[]) null)));
		cases.add(new Bad("transaction part without events", InvalidArgumentException.class, "pass at least one event",
				() -> new StreamAppend("account-5", ExpectedVersion.any(), null)));
		cases.add(new Bad("transaction with one wrong version", WrongExpectedVersionException.class,
				"reload the stream and retry",
				() -> v.transaction(StreamAppend.of("account-5", ExpectedVersion.noStream(), event(1)),
						StreamAppend.of("account-1", ExpectedVersion.exact(99), event(2)))));
		cases.add(
				new Bad("transaction retried with a part that is new", DuplicateEventIdException.class,
						"a transaction is retried whole",
						() -> v
							.transaction(
									new StreamAppend("account-1", ExpectedVersion.any(),
											List.of(event(1).withId(ID_1), event(2).withId(ID_2),
													event(3).withId(ID_3))),
									StreamAppend.of("account-5", ExpectedVersion.any(), event(5)))));
		// Reads
		cases.add(new Bad("readStream from version 0", InvalidArgumentException.class, "must be 1 or more",
				() -> v.readStream("account-1", 0, 10)));
		cases.add(new Bad("readStream from a negative version", InvalidArgumentException.class, "must be 1 or more",
				() -> v.readStream("account-1", -5, 10)));
		cases.add(new Bad("readStream of zero events", InvalidArgumentException.class, "maxCount must be 1 or more",
				() -> v.readStream("account-1", 1, 0)));
		cases.add(new Bad("readStreamBackward of a negative count", InvalidArgumentException.class,
				"maxCount must be 1 or more", () -> v.readStreamBackward("account-1", Long.MAX_VALUE, -1)));
		cases.add(new Bad("readAll from a negative position", InvalidArgumentException.class,
				"fromPosition must be 0 or more", () -> v.readAll(-1, 10)));
		cases.add(new Bad("readAll of zero events", InvalidArgumentException.class, "maxCount must be 1 or more",
				() -> v.readAll(0, 0)));
		cases.add(new Bad("readAll without a filter", InvalidArgumentException.class, "use EventFilter.all()",
				() -> v.readAll(0, 10, null)));
		cases.add(new Bad("readEvent(0)", InvalidArgumentException.class, "the first event is at 1",
				() -> v.readEvent(0)));
		cases.add(new Bad("readEvent of a negative position", InvalidArgumentException.class, "the first event is at 1",
				() -> v.readEvent(-3)));
		cases.add(new Bad("scanStream from version 0", InvalidArgumentException.class, "must be 1 or more",
				() -> v.scanStream("account-1", 0)));
		cases.add(new Bad("scanAll from a negative position", InvalidArgumentException.class,
				"fromPosition must be 0 or more", () -> v.scanAll(-1, io.varve.EventFilter.all())));
		cases.add(new Bad("listStreams with limit 0", InvalidArgumentException.class, "between 1 and 10000",
				() -> v.listStreams("", null, 0)));
		cases.add(new Bad("listStreams with limit 10001", InvalidArgumentException.class, "between 1 and 10000",
				() -> v.listStreams("", null, 10_001)));
		cases.add(new Bad("listStreams with a null prefix", InvalidArgumentException.class,
				"use \"\" to list every stream", () -> v.listStreams(null, null, 10)));
		cases.add(new Bad("decoding into a null class", InvalidArgumentException.class, "must not be null",
				() -> v.readEvent(1).orElseThrow().dataAs(null)));
		// Builder settings
		cases.add(new Bad("map size under 1 MiB", InvalidArgumentException.class, "at least 1 MiB",
				() -> Varve.builder().mapSize(1000)));
		cases.add(new Bad("maximum map size under 1 MiB", InvalidArgumentException.class, "at least 1 MiB",
				() -> Varve.builder().maxMapSize(1000)));
		cases.add(new Bad("maximum below the initial map size", InvalidArgumentException.class,
				"raise maxMapSize or lower mapSize",
				() -> Varve.builder().path(this.dir.resolve("other")).mapSize(64L << 20).maxMapSize(8L << 20).open()));
		cases.add(new Bad("tiny event size limit", InvalidArgumentException.class, "between 1024 and",
				() -> Varve.builder().maxEventSize(10)));
		cases.add(new Bad("too few readers", InvalidArgumentException.class, "between 8 and 32768",
				() -> Varve.builder().maxReaders(1)));
		cases.add(new Bad("zero sync interval", InvalidArgumentException.class, "at least 1 ms",
				() -> Varve.builder().syncInterval(Duration.ZERO)));
		cases.add(new Bad("null durability", InvalidArgumentException.class, "the default is Durability.SYNC",
				() -> Varve.builder().durability(null)));
		cases.add(new Bad("open without a path", InvalidArgumentException.class, "call path(...) before open()",
				() -> Varve.builder().open()));
		cases.add(new Bad("opening the open store again", io.varve.StoreLockedException.class,
				"share that Varve instance", () -> Varve.open(this.dir.resolve("store"))));
		cases.add(new Bad("a store directory that is a file", io.varve.StorePathException.class,
				"is a file, not a directory. Point the store (varve.path, VarveBuilder.path) at a directory",
				() -> Varve.open(Files.writeString(this.dir.resolve("file"), "x"))));
		return cases;
	}

	@Test
	void aClosedStoreRefusesEveryOperationWithAHint() {
		Varve closed = Varve.open(this.dir.resolve("closed"));
		closed.append("account-1", ExpectedVersion.noStream(), event(1));
		closed.close();
		List<Executable> operations = List.of(() -> closed.append("account-1", ExpectedVersion.any(), event(2)),
				() -> closed.appendAsync("account-1", ExpectedVersion.any(), event(2)),
				() -> closed.transaction(StreamAppend.of("account-1", ExpectedVersion.any(), event(2))),
				() -> closed.readStream("account-1", 1, 10), () -> closed.readAll(0, 10), () -> closed.readEvent(1),
				() -> closed.streamInfo("account-1"), () -> closed.headPosition(), () -> closed.streamCount(),
				() -> closed.listStreams("", null, 10), () -> closed.storeInfo(),
				() -> closed.backup(this.dir.resolve("backup")));
		for (Executable operation : operations) {
			assertThatThrownBy(operation::execute).isInstanceOf(VarveClosedException.class)
				.hasMessageContaining("open it again");
		}
		closed.close();
		try (Varve reopened = Varve.open(this.dir.resolve("closed"))) {
			assertThat(reopened.headPosition()).isEqualTo(1);
		}
	}

	@Test
	void aReadOnlyStoreRefusesAppendsAndKeepsItsContents() throws Exception {
		Path path = this.dir.resolve("read-only");
		Varve.open(path).close();
		try (Varve writer = Varve.open(path)) {
			writer.append("account-1", ExpectedVersion.noStream(), event(1));
		}
		try (Varve readOnly = Varve.openReadOnly(path)) {
			StoreVerifier.Contents before = StoreVerifier.verify(readOnly);
			assertThatThrownBy(() -> readOnly.append("account-1", ExpectedVersion.any(), event(2)))
				.isInstanceOf(ReadOnlyStoreException.class)
				.hasMessageContaining("append through the process that owns it");
			assertThatThrownBy(() -> readOnly.transaction(StreamAppend.of("x-1", ExpectedVersion.any(), event(2))))
				.isInstanceOf(ReadOnlyStoreException.class);
			assertThat(StoreVerifier.verify(readOnly).digest()).isEqualTo(before.digest());
		}
	}

	@Test
	void aCorruptDataFileIsRefusedWithAHint() throws Exception {
		Path path = Files.createDirectories(this.dir.resolve("corrupt"));
		Files.write(path.resolve("data.mdb"), new byte[8192]);
		assertThatThrownBy(() -> Varve.open(path)).isInstanceOf(CorruptDataException.class)
			.hasMessageContaining("Restore the store from a backup");
	}

	@Test
	void theSuiteCoversAtLeastTwentyFiveDistinctBadInputs() {
		assertThat(cases()).hasSizeGreaterThanOrEqualTo(25);
		assertThat(cases().stream().map(Bad::name).distinct()).hasSize(cases().size());
	}

	private void assertRefusedUnchanged(Bad bad) {
		StoreVerifier.Contents before = StoreVerifier.verify(this.varve);
		assertThatThrownBy(bad.action()::execute).as(bad.name())
			.isExactlyInstanceOf(bad.type())
			.hasMessageContaining(bad.hint());
		StoreVerifier.Contents after = StoreVerifier.verify(this.varve);
		assertThat(after.head()).as("head position after: %s", bad.name()).isEqualTo(before.head());
		assertThat(after.streamVersions()).as("stream versions after: %s", bad.name())
			.isEqualTo(before.streamVersions());
		assertThat(after.digest()).as("log bytes after: %s", bad.name()).isEqualTo(before.digest());
	}

	private static EventData event(long index) {
		return EventData.of(Filler.of(index, 10));
	}

	private static List<EventData> nullInList() {
		List<EventData> events = new ArrayList<>();
		events.add(event(1));
		events.add(null);
		return events;
	}

	/**
	 * One bad input: what it is, what it must raise, and a hint the message must give.
	 */
	record Bad(String name, Class<? extends Throwable> type, String hint, Executable action) {

		@Override
		public String toString() {
			return this.name;
		}

	}

	/** A class whose state Jackson cannot read. */
	static final class Unserialisable {

		public String getValue() {
			throw new IllegalStateException("no value");
		}

	}

	/** A class whose state Jackson cannot see: a private field and no getter. */
	static final class Invisible {

		private final int value;

		Invisible(int value) {
			this.value = value;
		}

	}

	record HoldsThread(Thread thread) {
	}

	/** Two classes that claim the same event type name. */
	static final class Clash {

		@EventType("clash")
		record A(int a) {
		}

		@EventType("clash")
		record B(int b) {
		}

	}

}

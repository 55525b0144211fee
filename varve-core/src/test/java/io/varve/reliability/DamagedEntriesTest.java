package io.varve.reliability;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.varve.CorruptDataException;
import io.varve.ExpectedVersion;
import io.varve.Varve;
import io.varve.processor.ProcessorDefinition;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Records that LMDB returns intact but that no Varve ever wrote (a key of the wrong size,
 * a position missing from the log, an event under another position, lengths that do not
 * add up, an impossible stream head, an index pointing into another stream) are damage:
 * every read that meets one raises {@link CorruptDataException} naming the data file and
 * the position or stream read, never an index error, a silently shorter result or another
 * stream's event.
 */
class DamagedEntriesTest {

	@TempDir
	Path dir;

	@Test
	void aLogKeyOfTheWrongSizeIsDamageNotAnIndexError() throws Exception {
		Path store = storeWithEvents(10);
		RawLmdb.change(store, "log", (log) -> log.put(new byte[] { 0, 0, 0, 11 }, log.get(RawLmdb.position(10))));
		assertDamaged(() -> Varve.open(store).close(), store, "a log key is 4 bytes instead of 8");
		try (Varve varve = Varve.openReadOnly(store)) {
			assertDamaged(() -> varve.readAll(1, 100), store, "a log key is 4 bytes instead of 8");
			assertDamaged(varve::headPosition, store, "a log key is 4 bytes instead of 8");
		}
	}

	@Test
	void aPositionMissingFromTheLogIsDamageWhereverItIsRead() throws Exception {
		Path store = storeWithEvents(10);
		RawLmdb.change(store, "log", (log) -> log.delete(RawLmdb.position(5)));
		try (Varve varve = Varve.openReadOnly(store)) {
			assertDamaged(() -> varve.readEvent(5), store, "log position 5 is missing though the log reaches 10");
			assertDamaged(() -> varve.readAll(1, 100), store, "the log goes from position 4 to 6");
			assertDamaged(() -> varve.readStream("s-1", 1, 100), store, "log position 5 is missing");
		}
	}

	@Test
	void anEventStoredUnderAnotherPositionIsDamage() throws Exception {
		Path store = storeWithEvents(10);
		RawLmdb.change(store, "log", (log) -> log.put(RawLmdb.position(5), log.get(RawLmdb.position(6))));
		try (Varve varve = Varve.openReadOnly(store)) {
			assertDamaged(() -> varve.readEvent(5), store,
					"the event at log position 5 is unsound: it says it is at position 6");
			assertDamaged(() -> varve.readStream("s-1", 1, 100), store, "log position 5");
		}
	}

	@Test
	void anEnvelopeWhoseLengthsDoNotAddUpIsRefusedBeforeTheyAreUsed() throws Exception {
		Path store = storeWithEvents(10);
		RawLmdb.change(store, "log", (log) -> {
			byte[] envelope = log.get(RawLmdb.position(7));
			ByteBuffer.wrap(envelope).putInt(4, Integer.MAX_VALUE);
			log.put(RawLmdb.position(7), envelope);
		});
		try (Varve varve = Varve.openReadOnly(store)) {
			assertDamaged(() -> varve.readEvent(7), store,
					"the event at log position 7 is unsound: its fields add up to");
			assertDamaged(() -> varve.readAll(1, 100), store, "log position 7");
		}
	}

	@Test
	void aStreamHeadWithImpossibleNumbersIsDamage() throws Exception {
		Path store = storeWithEvents(10);
		RawLmdb.change(store, "streams", (streams) -> {
			byte[] head = streams.get("s-1".getBytes(StandardCharsets.UTF_8));
			// Version 100 in a stream whose events span positions 1 to 10.
			ByteBuffer.wrap(head).putLong(8, 100);
			streams.put("s-1".getBytes(StandardCharsets.UTF_8), head);
		});
		try (Varve varve = Varve.openReadOnly(store)) {
			assertDamaged(() -> varve.streamInfo("s-1"), store,
					"the head record of stream 's-1' holds impossible numbers (stream id 1, version 100, positions 1 to 10)");
			assertDamaged(() -> varve.listStreams("", null, 10), store, "the head record of stream 's-1'");
		}
	}

	@Test
	void aStreamIndexPointingIntoAnotherStreamIsDamageNotThatStreamsEvents() throws Exception {
		Path store = this.dir.resolve("store");
		try (Varve varve = Varve.open(store)) {
			varve.append("a-1", ExpectedVersion.noStream(), fillers(32));
			varve.append("b-1", ExpectedVersion.noStream(), fillers(32));
		}
		// Block 0 of stream #1 (a-1) now lists b-1's positions, 33 to 64: same versions.
		RawLmdb.change(store, "stream-index", (index) -> {
			ByteBuffer key = ByteBuffer.allocate(16).putLong(1).putLong(0);
			ByteBuffer block = ByteBuffer.allocate(8 * 32);
			for (int i = 0; i < 32; i++) {
				block.putLong(33 + i);
			}
			index.put(key.array(), block.array());
		});
		try (Varve varve = Varve.openReadOnly(store)) {
			assertDamaged(() -> varve.readStream("a-1", 1, 100), store,
					"the event there belongs to another stream or version (found trying to read version 1 of stream "
							+ "'a-1' at log position 33)");
			assertDamaged(() -> varve.readStreamBackward("a-1", 32, 100), store, "of stream 'a-1' at log position 64");
		}
	}

	@Test
	void aParkedEventKeyOfTheWrongSizeIsDamageNotAnIndexError() throws Exception {
		Path store = storeWithEvents(10);
		// The processor's prefix (its name and a zero byte) followed by 3 bytes, not 8.
		RawLmdb.change(store, "parked", (parked) -> parked.put(new byte[] { 'p', '1', 0, 0, 0, 5 }, new byte[] { 1 }));
		try (Varve varve = Varve.openReadOnly(store)) {
			varve.processors().register(ProcessorDefinition.builder("p1").handler((event, context) -> {
			}).build());
			assertThatThrownBy(() -> varve.processors().parked("p1", 0, 10)).isInstanceOf(CorruptDataException.class)
				.hasMessageContaining("a parked-event key is 6 bytes where 11 were expected")
				.hasMessageContaining("Restore the store from a backup");
		}
	}

	private Path storeWithEvents(int count) {
		Path store = this.dir.resolve("store");
		try (Varve varve = Varve.open(store)) {
			varve.append("s-1", ExpectedVersion.noStream(), fillers(count));
		}
		return store;
	}

	private static Object[] fillers(int count) {
		List<Object> events = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			events.add(Filler.of(i, 40));
		}
		return events.toArray();
	}

	private static void assertDamaged(ThrowingCallable read, Path store, String problem) throws IOException {
		assertThatThrownBy(read).isInstanceOf(CorruptDataException.class)
			.hasMessageContaining("The store file " + store.toRealPath().resolve("data.mdb") + " is damaged")
			.hasMessageContaining(problem)
			.hasMessageContaining("Restore the store from a backup");
	}

}

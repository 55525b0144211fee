package io.varve.reliability;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;
import java.util.function.Consumer;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lmdbjava.Dbi;
import org.lmdbjava.DbiFlags;
import org.lmdbjava.Env;
import org.lmdbjava.Txn;

import io.varve.CorruptDataException;
import io.varve.ExpectedVersion;
import io.varve.IncompatibleFormatException;
import io.varve.InvalidArgumentException;
import io.varve.Varve;
import io.varve.VarveException;
import io.varve.core.lmdb.LmdbStorageEngine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A directory that holds something other than a healthy Varve store is refused at open
 * with a typed exception that says what to do: never a JVM crash (a truncated file would
 * kill the JVM with SIGBUS once mapped), never a silently empty store, and the files are
 * left exactly as they were.
 */
class BadFilesTest {

	@TempDir
	Path dir;

	@Test
	void anLmdbDatabaseOfAnotherProgramIsNotTakenForAStore() throws IOException {
		Path store = this.dir.resolve("foreign");
		withRawLmdb(store, (env) -> {
			Dbi<DirectBuffer> users = env.openDbi("users", DbiFlags.MDB_CREATE);
			try (Txn<DirectBuffer> txn = env.txnWrite()) {
				users.put(txn, direct("alice"), direct("admin"));
				txn.commit();
			}
		});
		assertRefusedUnchanged(store, IncompatibleFormatException.class, "not a Varve store",
				"point Varve at an empty directory");
	}

	@Test
	void anLmdbDatabaseWithPlainKeysInItsMainTableIsNotTakenForAStore() throws IOException {
		Path store = this.dir.resolve("plain");
		withRawLmdb(store, (env) -> {
			Dbi<DirectBuffer> main = env.openDbi((byte[]) null, DbiFlags.MDB_CREATE);
			try (Txn<DirectBuffer> txn = env.txnWrite()) {
				main.put(txn, direct("key"), direct("value"));
				txn.commit();
			}
		});
		assertRefusedUnchanged(store, IncompatibleFormatException.class, "not a Varve store",
				"point Varve at an empty directory");
	}

	@Test
	void aStoreOfAnUnknownFormatVersionIsRefusedAndKeptIntact() throws IOException {
		Path store = storeWithEvents("future", 20);
		int unknown = LmdbStorageEngine.FORMAT_VERSION + 1;
		rewriteFormatRecord(store, formatRecord("VARVE\0", unknown));
		assertRefusedUnchanged(store, IncompatibleFormatException.class, "format version " + unknown,
				"open it with the Varve release that wrote it");
		// Nothing was lost: with the record put back, the store opens with its events.
		rewriteFormatRecord(store, formatRecord("VARVE\0", LmdbStorageEngine.FORMAT_VERSION));
		try (Varve varve = Varve.open(store)) {
			assertThat(varve.headPosition()).isEqualTo(20);
			StoreVerifier.verify(varve);
		}
	}

	@Test
	void aStoreWithAForeignFormatRecordIsRefused() throws IOException {
		Path store = storeWithEvents("foreign-record", 3);
		rewriteFormatRecord(store, formatRecord("OTHER\0", 1));
		assertRefusedUnchanged(store, IncompatibleFormatException.class, "not a Varve store", "Point Varve at");
	}

	@Test
	void aGarbageDataFileIsRefusedAsDamaged() throws IOException {
		Path store = Files.createDirectories(this.dir.resolve("garbage"));
		byte[] garbage = new byte[64 * 1024];
		new Random(42).nextBytes(garbage);
		Files.write(store.resolve("data.mdb"), garbage);
		assertRefusedUnchanged(store, CorruptDataException.class, "not an LMDB data file", "Restore the store");
	}

	@Test
	void aDataFileOfTextIsRefusedAsDamaged() throws IOException {
		Path store = Files.createDirectories(this.dir.resolve("text"));
		Files.writeString(store.resolve("data.mdb"), "hello world\n".repeat(1000));
		assertRefusedUnchanged(store, CorruptDataException.class, "not an LMDB data file", "Restore the store");
	}

	@Test
	void aTruncatedDataFileIsRefusedInsteadOfCrashingTheJvm() throws IOException {
		Path store = storeWithEvents("truncated", 2000);
		truncate(store, usedBytes(store) / 2);
		assertRefusedUnchanged(store, CorruptDataException.class, "cut short", "Restore the store");
	}

	@Test
	void aDataFileCutByOnePageIsRefused() throws IOException {
		Path store = storeWithEvents("one-page", 2000);
		// Cut from the store's last page, not the file's: zeroed space may follow it.
		truncate(store, usedBytes(store) - pageSize(store));
		assertRefusedUnchanged(store, CorruptDataException.class, "cut short", "Restore the store");
	}

	@Test
	void aDataFileTooShortForItsMetaPagesIsRefused() throws IOException {
		Path store = storeWithEvents("stub", 5);
		truncate(store, 1000);
		assertRefusedUnchanged(store, CorruptDataException.class, "too short", "Restore the store");
	}

	@Test
	void anEmptyDataFileIsRefusedRatherThanStartingAnEmptyStore() throws IOException {
		Path store = storeWithEvents("emptied", 5);
		truncate(store, 0);
		assertRefusedUnchanged(store, CorruptDataException.class, "empty (0 bytes)", "delete the file");
	}

	@Test
	void anUnknownLmdbDataVersionIsRefused() throws IOException {
		Path store = storeWithEvents("lmdb-version", 5);
		int pageSize = pageSize(store);
		patchInt(store, 20, 7);
		patchInt(store, pageSize + 20, 7);
		assertRefusedUnchanged(store, IncompatibleFormatException.class, "LMDB data format version 7",
				"open it with the software that wrote it");
	}

	@Test
	void aDataFileOfTheOtherByteOrderIsRefused() throws IOException {
		Path store = storeWithEvents("byte-order", 5);
		int pageSize = pageSize(store);
		patchInt(store, 16, Integer.reverseBytes(0xBEEFC0DE));
		patchInt(store, pageSize + 16, Integer.reverseBytes(0xBEEFC0DE));
		assertRefusedUnchanged(store, IncompatibleFormatException.class, "other byte order", "export the events");
	}

	@Test
	void aDamagedSecondMetaPageIsRefused() throws IOException {
		Path store = storeWithEvents("meta-1", 5);
		patchInt(store, pageSize(store) + 16, 0x12345678);
		assertRefusedUnchanged(store, CorruptDataException.class, "meta page 1", "Restore the store");
	}

	@Test
	void openingAnEmptyDirectoryReadOnlyFailsAndCreatesNothing() throws IOException {
		Path empty = Files.createDirectories(this.dir.resolve("empty"));
		assertThatThrownBy(() -> Varve.openReadOnly(empty)).isInstanceOf(InvalidArgumentException.class)
			.hasMessageContaining("There is no Varve store")
			.hasMessageContaining("check the path");
		try (var files = Files.list(empty)) {
			assertThat(files).isEmpty();
		}
		Path missing = this.dir.resolve("missing");
		assertThatThrownBy(() -> Varve.openReadOnly(missing)).isInstanceOf(InvalidArgumentException.class)
			.hasMessageContaining("There is no Varve store");
		assertThat(missing).doesNotExist();
	}

	@Test
	void anLmdbFileWithoutVarveDataIsRefusedReadOnly() throws IOException {
		Path store = this.dir.resolve("bare");
		withRawLmdb(store, (env) -> {
		});
		assertThatThrownBy(() -> Varve.openReadOnly(store)).isInstanceOf(IncompatibleFormatException.class)
			.hasMessageContaining("holds no Varve data yet")
			.hasMessageContaining("open it once with Varve.open(path)");
	}

	private <E extends VarveException> void assertRefusedUnchanged(Path store, Class<E> type, String reason,
			String advice) throws IOException {
		byte[] before = Files.readAllBytes(store.resolve("data.mdb"));
		for (boolean readOnly : new boolean[] { false, true }) {
			assertThatThrownBy(() -> (readOnly ? Varve.openReadOnly(store) : Varve.open(store)).close())
				.as(readOnly ? "read-only open" : "open")
				.isInstanceOf(type)
				.hasMessageContaining(reason)
				.hasMessageContaining(advice)
				.hasMessageContaining(store.getFileName().toString());
		}
		assertThat(Files.readAllBytes(store.resolve("data.mdb"))).as("data file after the refused opens")
			.isEqualTo(before);
	}

	private Path storeWithEvents(String name, int count) {
		Path store = this.dir.resolve(name);
		try (Varve varve = Varve.open(store)) {
			for (int i = 0; i < count; i += 100) {
				java.util.List<Object> batch = new java.util.ArrayList<>();
				for (int j = i; j < Math.min(count, i + 100); j++) {
					batch.add(Filler.of(j, 300));
				}
				varve.append("filler-" + (i % 7), ExpectedVersion.any(), batch.toArray());
			}
		}
		return store;
	}

	/** The bytes in use: the last page LMDB wrote plus one, times the page size. */
	private static long usedBytes(Path store) {
		try (Varve varve = Varve.openReadOnly(store)) {
			return varve.storeInfo().usedBytes();
		}
	}

	private static void withRawLmdb(Path store, Consumer<Env<DirectBuffer>> work) throws IOException {
		RawLmdb.with(store, work);
	}

	private static void rewriteFormatRecord(Path store, byte[] record) throws IOException {
		withRawLmdb(store, (env) -> {
			Dbi<DirectBuffer> meta = env.openDbi("meta");
			try (Txn<DirectBuffer> txn = env.txnWrite()) {
				meta.put(txn, direct("format"), direct(record));
				txn.commit();
			}
		});
	}

	private static byte[] formatRecord(String magic, int version) {
		byte[] bytes = Arrays.copyOf(magic.getBytes(StandardCharsets.US_ASCII), magic.length() + 2);
		bytes[magic.length()] = (byte) (version >>> 8);
		bytes[magic.length() + 1] = (byte) version;
		return bytes;
	}

	private static UnsafeBuffer direct(String text) {
		return RawLmdb.direct(text);
	}

	private static UnsafeBuffer direct(byte[] bytes) {
		return RawLmdb.direct(bytes);
	}

	private static void truncate(Path store, long size) throws IOException {
		try (FileChannel channel = FileChannel.open(store.resolve("data.mdb"), StandardOpenOption.WRITE)) {
			channel.truncate(size);
		}
	}

	private static int pageSize(Path store) throws IOException {
		try (FileChannel channel = FileChannel.open(store.resolve("data.mdb"), StandardOpenOption.READ)) {
			ByteBuffer buffer = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
			channel.read(buffer, 40);
			return buffer.getInt(0);
		}
	}

	private static void patchInt(Path store, long offset, int value) throws IOException {
		try (FileChannel channel = FileChannel.open(store.resolve("data.mdb"), StandardOpenOption.WRITE)) {
			ByteBuffer buffer = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, value);
			channel.write(buffer, offset);
		}
	}

}

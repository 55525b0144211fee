package io.varve.core.crypto;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.varve.EncryptionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class KeyLogTest {

	@TempDir
	Path dir;

	private static KeyLog.Entry entry(String stream, long id) {
		return new KeyLog.Entry(stream, id, "local-0011223344556677", new byte[] { 1, 2, 3, (byte) id });
	}

	@Test
	void recordsSurviveReopeningAndATornTailIsCutOffBeforeTheNextAppend() throws Exception {
		Path file = this.dir.resolve("keys.log");
		UUID storeId = UUID.randomUUID();
		try (KeyLog log = KeyLog.create(file, storeId)) {
			log.append(entry("a", 1));
			log.append(entry("b", 2));
			log.sync();
		}
		long whole = Files.size(file);
		// A crash in the middle of the third record's write.
		byte[] third = KeyLog.encode(entry("c", 3));
		Files.write(file, java.util.Arrays.copyOf(third, third.length - 3), StandardOpenOption.APPEND);
		List<KeyLog.Entry> read = new ArrayList<>();
		try (KeyLog log = KeyLog.open(file, true, read)) {
			assertThat(log.storeId()).isEqualTo(storeId);
			assertThat(Files.size(file)).isEqualTo(whole);
			log.append(entry("d", 4));
			log.sync();
		}
		assertThat(read).extracting(KeyLog.Entry::stream).containsExactly("a", "b");
		read.clear();
		KeyLog.open(file, false, read).close();
		assertThat(read).extracting(KeyLog.Entry::stream).containsExactly("a", "b", "d");
		assertThat(read.get(2).wrapped()).containsExactly(1, 2, 3, 4);
	}

	@Test
	void aFlippedByteInARecordEndsTheLogThereAndAForeignFileIsRefused() throws Exception {
		Path file = this.dir.resolve("keys.log");
		try (KeyLog log = KeyLog.create(file, UUID.randomUUID())) {
			log.append(entry("a", 1));
			log.append(entry("b", 2));
			log.sync();
		}
		byte[] bytes = Files.readAllBytes(file);
		bytes[bytes.length - 6] ^= 1;
		Files.write(file, bytes);
		List<KeyLog.Entry> read = new ArrayList<>();
		KeyLog.open(file, false, read).close();
		assertThat(read).extracting(KeyLog.Entry::stream).containsExactly("a");
		Path foreign = Files.writeString(this.dir.resolve("foreign"), "not a key store at all, just text");
		assertThatExceptionOfType(EncryptionException.class).isThrownBy(() -> KeyLog.open(foreign, false, read))
			.withMessageContaining("not a Varve key store");
		assertThat(KeyLog.open(this.dir.resolve("missing"), false, read)).isNull();
	}

	@Test
	void rewritingLeavesOnlyTheGivenRecords() throws Exception {
		Path file = this.dir.resolve("keys.log");
		try (KeyLog log = KeyLog.create(file, UUID.randomUUID())) {
			log.append(entry("a", 1));
			log.append(entry("b", 2));
			log.rewrite(List.of(entry("b", 2)));
			log.append(entry("c", 3));
			log.sync();
		}
		List<KeyLog.Entry> read = new ArrayList<>();
		KeyLog.open(file, false, read).close();
		assertThat(read).extracting(KeyLog.Entry::stream).containsExactly("b", "c");
		assertThat(Files.list(this.dir)).containsExactly(file);
	}

}

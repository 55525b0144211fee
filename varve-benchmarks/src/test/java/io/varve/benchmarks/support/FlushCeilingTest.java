package io.varve.benchmarks.support;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32C;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class FlushCeilingTest {

	private static final int MIB = 1 << 20;

	@TempDir
	Path directory;

	@Test
	void theFileIsZeroFilledToWholeMibsBeforeTheFirstAppendAndNeverGrows() throws IOException {
		Path file = this.directory.resolve("records");
		try (FlushCeiling ceiling = FlushCeiling.create(file, MIB + 1)) {
			assertThat(ceiling.capacity()).isEqualTo(2L * MIB);
			assertThat(Files.size(file)).isEqualTo(2L * MIB);
			assertThat(Files.readAllBytes(file)).containsOnly(0);
			for (int i = 0; i < 100; i++) {
				ceiling.append(Events.encode(Events.event(0, i)));
			}
			assertThat(Files.size(file)).isEqualTo(2L * MIB);
		}
	}

	@Test
	void eachAppendWritesOneChecksummedRecordAfterTheOnesBefore() throws IOException {
		Path file = this.directory.resolve("records");
		try (FlushCeiling ceiling = FlushCeiling.create(file, MIB)) {
			for (int i = 0; i < 3; i++) {
				ceiling.append(Events.encode(Events.event(7, i)));
			}
			assertThat(ceiling.count()).isEqualTo(3);
		}
		ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
		for (int i = 0; i < 3; i++) {
			byte[] expected = Events.encode(Events.event(7, i));
			assertThat(record(bytes, bytes.position())).as("record %d", i + 1)
				.isEqualTo(new Record(expected.length, crc(expected), i + 1, expected));
			bytes.position(bytes.position() + FlushCeiling.HEADER_BYTES + expected.length);
		}
		assertThat(bytes.getLong(bytes.position())).as("after the last record").isZero();
	}

	@Test
	void recordsStartAgainAtTheFileStartWhenTheyReachItsEnd() throws IOException {
		Path file = this.directory.resolve("records");
		byte[] payload = new byte[60_000];
		// 17 records of 60,016 bytes fill 1,020,272 of the MiB; the 18th does not fit.
		try (FlushCeiling ceiling = FlushCeiling.create(file, MIB)) {
			for (int i = 1; i <= 18; i++) {
				Arrays.fill(payload, (byte) i);
				ceiling.append(payload);
			}
		}
		ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
		assertThat(bytes.capacity()).isEqualTo(MIB);
		assertThat(record(bytes, 0).sequence()).isEqualTo(18);
		assertThat(record(bytes, 0).payload()).containsOnly(18);
		assertThat(record(bytes, 60_016).sequence()).isEqualTo(2);
		assertThat(record(bytes, 16 * 60_016).sequence()).isEqualTo(17);
	}

	@Test
	void aRecordLargerThanTheFileIsRefused() {
		try (FlushCeiling ceiling = FlushCeiling.create(this.directory.resolve("records"), MIB)) {
			assertThatIllegalArgumentException().isThrownBy(() -> ceiling.append(new byte[MIB]))
				.withMessageContaining("does not fit");
			assertThat(ceiling.count()).isZero();
		}
	}

	@Test
	void everyAppendWaitsForAtLeastOneDeviceFlush() throws IOException {
		DeviceStats before = DeviceStats.of(this.directory);
		Assumptions.assumeTrue(before.flushes() >= 0, "the kernel does not count this disk's flushes");
		Assumptions.assumeTrue(
				Files.readString(DeviceStats.device(this.directory).resolve("queue/write_cache")).contains("back"),
				"a disk without a write-back cache is never sent flushes");
		int appends = 50;
		try (FlushCeiling ceiling = FlushCeiling.create(this.directory.resolve("records"), MIB)) {
			before = DeviceStats.of(this.directory);
			for (int i = 0; i < appends; i++) {
				ceiling.append(Events.encode(Events.event(0, i)));
			}
			// Other processes' flushes can only add to the disk's count.
			assertThat(DeviceStats.of(this.directory).flushesPer(before, appends)).isGreaterThanOrEqualTo(1.0);
		}
	}

	private static Record record(ByteBuffer bytes, int at) {
		int length = bytes.getInt(at);
		byte[] payload = new byte[length];
		bytes.get(at + FlushCeiling.HEADER_BYTES, payload);
		return new Record(length, bytes.getInt(at + 4), bytes.getLong(at + 8), payload);
	}

	private static int crc(byte[] payload) {
		CRC32C crc = new CRC32C();
		crc.update(payload);
		return (int) crc.getValue();
	}

	private record Record(int length, int crc, long sequence, byte[] payload) {

		@Override
		public boolean equals(Object other) {
			return other instanceof Record that && this.length == that.length && this.crc == that.crc
					&& this.sequence == that.sequence && Arrays.equals(this.payload, that.payload);
		}

		@Override
		public int hashCode() {
			return Long.hashCode(this.sequence);
		}

	}

}

package io.varve.core.durability;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.varve.core.storage.AuxTable;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The journal's segments: records larger than the segments ahead of the writer, and
 * recycling after checkpoints, keep every record replayable in order.
 */
class JournalTest {

	@TempDir
	Path dir;

	private static byte[] record(JournalRecord.Builder builder, long sequence, int size) {
		builder.reset();
		builder.put(AuxTable.EVENT_TYPES, new byte[] { 1, (byte) sequence }, new byte[size]);
		int length = builder.finish(sequence, 1);
		byte[] bytes = new byte[length];
		System.arraycopy(builder.bytes(), 0, bytes, 0, length);
		return bytes;
	}

	@Test
	void largeRecordsAndRecyclingNeverReuseASegmentNumberOrReorderSegments() throws Exception {
		JournalRecord.Builder builder = new JournalRecord.Builder();
		int large = (int) (3 * Journal.FIRST_SEGMENT);
		long checkpointed = 0;
		try (Journal journal = Journal.open(this.dir, true, false)) {
			journal.startAfter(0, 1);
			long sequence = 0;
			// A record larger than the first segment: a segment of its own.
			byte[] first = record(builder, ++sequence, large);
			journal.append(first, first.length);
			// A checkpoint holds it: the first segment is recycled behind the writer.
			journal.recycleBefore(journal.mark());
			checkpointed = sequence;
			// Another large record: the recycled segment ahead is too small for it.
			byte[] second = record(builder, ++sequence, large);
			journal.append(second, second.length);
			byte[] small = record(builder, ++sequence, 100);
			journal.append(small, small.length);
			// A checkpoint of the first record only: what came before is recycled again.
			journal.recycleBefore(journal.mark());
			byte[] third = record(builder, ++sequence, 100);
			journal.append(third, third.length);
		}
		List<Long> numbers = new ArrayList<>();
		try (Stream<Path> files = Files.list(this.dir)) {
			files.forEach((file) -> numbers.add(Long.parseLong(file.getFileName().toString().substring(8))));
		}
		assertThat(numbers).doesNotHaveDuplicates();
		List<Long> replayed = new ArrayList<>();
		try (Journal journal = Journal.open(this.dir, true, false)) {
			long last = journal.replayAfter(checkpointed, 1, (sequence, body) -> replayed.add(sequence));
			assertThat(last).isEqualTo(4);
		}
		assertThat(replayed).containsExactly(2L, 3L, 4L);
	}

}

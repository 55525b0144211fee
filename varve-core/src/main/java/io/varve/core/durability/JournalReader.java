package io.varve.core.durability;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import org.agrona.concurrent.UnsafeBuffer;

/**
 * Reads a journal's records for replay: segment by segment, each record checked (magic,
 * length, generation, increasing number, CRC32C), up to where the journal ends.
 */
final class JournalReader {

	private JournalReader() {
	}

	/**
	 * Reads every record after a sequence number, in order, until the journal ends.
	 * @param after the sequence number the tables hold
	 * @param generation the generation of the records to replay
	 * @param visitor told each record's sequence number and body
	 * @return the last sequence number read (or {@code after} when none)
	 */
	static long replayAfter(List<JournalSegment> segments, Path directory, long after, int generation,
			Journal.RecordVisitor visitor) {
		long expected = after + 1;
		for (JournalSegment segment : segments) {
			try (FileChannel channel = FileChannel.open(segment.file, StandardOpenOption.READ)) {
				long size = channel.size();
				long at = 0;
				long previous = Long.MIN_VALUE;
				ByteBuffer header = ByteBuffer.allocate(JournalRecord.HEADER).order(JournalRecord.ORDER);
				while (at + JournalRecord.HEADER <= size) {
					header.clear();
					readFully(channel, header, at);
					int magic = header.getInt(0);
					int bodyLength = header.getInt(4);
					long sequence = header.getLong(8);
					if (magic != JournalRecord.MAGIC || bodyLength < 0 || at + JournalRecord.HEADER + bodyLength > size
							|| sequence <= previous || header.getInt(16) != generation) {
						break;
					}
					byte[] record = new byte[JournalRecord.HEADER + bodyLength];
					readFully(channel, ByteBuffer.wrap(record), at);
					if (JournalRecord.checksum(record, 0, bodyLength) != header.getInt(20)) {
						break;
					}
					previous = sequence;
					if (sequence > after) {
						if (sequence != expected) {
							return expected - 1;
						}
						visitor.record(sequence, new UnsafeBuffer(record, JournalRecord.HEADER, bodyLength));
						expected++;
					}
					at += record.length;
				}
			}
			catch (IOException ex) {
				throw Journal.failure("read the journal segment " + segment.file.getFileName() + " of", directory, ex);
			}
		}
		return expected - 1;
	}

	private static void readFully(FileChannel channel, ByteBuffer buffer, long at) throws IOException {
		long from = at;
		while (buffer.hasRemaining()) {
			int read = channel.read(buffer, from);
			if (read < 0) {
				throw new IOException("unexpected end of file at byte " + from);
			}
			from += read;
		}
		buffer.flip();
	}

}

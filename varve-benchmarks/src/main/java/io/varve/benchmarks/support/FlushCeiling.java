package io.varve.benchmarks.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * The flush ceiling: the least a durable append can cost on a device. Each append writes
 * one small record ({@value #HEADER_BYTES}-byte header and the payload: about 200 bytes
 * for a benchmark event) at the end of the records before it and flushes it with
 * {@link FileChannel#force(boolean) force(false)} (fdatasync) before returning, as a
 * journal's acknowledgement would. The file is zero-filled and flushed when it is opened,
 * so no append grows it: a flush then carries the record's blocks and no file-system
 * metadata, and when the records reach the file's end they start again at its start, as a
 * recycled journal does. Single-threaded.
 *
 * <p>
 * A record is, little-endian: the payload's length (int), the CRC32C of the payload
 * (int), the record's sequence number from 1 (long), then the payload.
 */
public final class FlushCeiling implements AutoCloseable {

	/** Bytes before each record's payload. */
	public static final int HEADER_BYTES = 16;

	private static final int ZEROS_CHUNK = 1 << 20;

	private final FileChannel channel;

	private final long capacity;

	private final ByteBuffer record = ByteBuffer.allocateDirect(64 * 1024).order(ByteOrder.LITTLE_ENDIAN);

	private final CRC32C crc = new CRC32C();

	private long position;

	private long sequence;

	private FlushCeiling(FileChannel channel, long capacity) {
		this.channel = channel;
		this.capacity = capacity;
	}

	/**
	 * Creates the file, zero-filled to its capacity and flushed, before any append.
	 * @param file a file that does not exist yet
	 * @param capacity its size in bytes (rounded up to a whole MiB)
	 * @return the open file
	 */
	public static FlushCeiling create(Path file, long capacity) {
		long size = Math.max(1, (capacity + ZEROS_CHUNK - 1) / ZEROS_CHUNK) * ZEROS_CHUNK;
		FileChannel channel = null;
		try {
			channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
					StandardOpenOption.WRITE);
			ByteBuffer zeros = ByteBuffer.allocateDirect(ZEROS_CHUNK);
			for (long at = 0; at < size;) {
				zeros.clear();
				at += channel.write(zeros, at);
			}
			// Size and blocks on disk before the first append, so appends change neither.
			channel.force(true);
			return new FlushCeiling(channel, size);
		}
		catch (IOException ex) {
			closeQuietly(channel);
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Writes one record and flushes it to the device.
	 * @param payload the record's payload (an encoded event)
	 */
	public void append(byte[] payload) {
		int length = HEADER_BYTES + payload.length;
		if (length > this.record.capacity() || length > this.capacity) {
			throw new IllegalArgumentException("A record of " + length + " bytes does not fit");
		}
		if (this.position + length > this.capacity) {
			this.position = 0;
		}
		this.crc.reset();
		this.crc.update(payload);
		this.record.clear();
		this.record.putInt(payload.length).putInt((int) this.crc.getValue()).putLong(++this.sequence).put(payload);
		this.record.flip();
		try {
			long at = this.position;
			while (this.record.hasRemaining()) {
				at += this.channel.write(this.record, at);
			}
			this.channel.force(false);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		this.position += length;
	}

	/** Records appended so far. */
	public long count() {
		return this.sequence;
	}

	/** The file's size in bytes, fixed when it was created. */
	public long capacity() {
		return this.capacity;
	}

	@Override
	public void close() {
		try {
			this.channel.close();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static void closeQuietly(FileChannel channel) {
		if (channel != null) {
			try {
				channel.close();
			}
			catch (IOException ex) {
				// Already failing: the first error is the one to report.
			}
		}
	}

}

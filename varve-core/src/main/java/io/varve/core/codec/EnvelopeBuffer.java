package io.varve.core.codec;

import java.io.OutputStream;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

import io.varve.EventTooLargeException;
import io.varve.VarveException;

/**
 * The envelopes of one append, encoded back to back. Jackson writes each payload straight
 * behind its header, so an event costs one copy out of Jackson's buffer instead of a
 * payload array and then an envelope array.
 * <p>
 * One thread encodes; the writer thread reads. The encoding thread may
 * {@linkplain #publish() publish} envelopes while it is still encoding later ones, so the
 * writer can store the first events of a large append while the rest are encoded. A
 * published envelope never moves: when an array fills up, the envelope being written
 * moves to a new, larger array, and the envelopes before it stay where they are.
 */
public final class EnvelopeBuffer {

	/** Arrays started when the current one is full double up to this size. */
	private static final int MIN_GROWTH = 64 * 1024;

	/** Writer spins this many times before parking while it waits for envelopes. */
	private static final int SPINS = 2_000;

	/** How long the writer waits for the encoding thread without progress. */
	private static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(30);

	private final Sink sink = new Sink();

	private final byte[][] arrays;

	private final int[] offsets;

	private final int[] lengths;

	private byte[] bytes;

	private int size;

	private int start;

	private int count;

	private long totalBytes;

	private volatile int published;

	private volatile VarveException failure;

	private volatile Thread waiter;

	/**
	 * Creates an empty buffer.
	 * @param events how many envelopes it will hold
	 * @param expectedBytes a guess at their total size; the buffer grows past it
	 */
	public EnvelopeBuffer(int events, int expectedBytes) {
		this.bytes = new byte[Math.max(256, expectedBytes)];
		this.arrays = new byte[events][];
		this.offsets = new int[events];
		this.lengths = new int[events];
	}

	/**
	 * Encodes the next envelope (encoding thread only).
	 * @param codec encodes metadata and payload
	 * @param id the event id
	 * @param correlationId the correlation id or null
	 * @param causationId the causation id or null
	 * @param type the type name in UTF-8
	 * @param schemaVersion the type's schema version, at least 1
	 * @param stream the stream name in UTF-8
	 * @param metadata the metadata or null
	 * @param payload the event
	 * @param what what the event is, for messages (built only on failure)
	 * @return the envelope's size in bytes
	 * @throws io.varve.EventSerializationException if Jackson cannot encode either
	 */
	public int add(PayloadCodec codec, UUID id, UUID correlationId, UUID causationId, byte[] type, int schemaVersion,
			byte[] stream, Object metadata, Object payload, Supplier<String> what) {
		this.start = this.size;
		ensure(Envelope.idsEnd(correlationId, causationId, schemaVersion) + 4);
		this.size = Envelope.writeHeader(this.bytes, this.start, id, correlationId, causationId, schemaVersion,
				metadata != null, type.length, stream.length);
		if (metadata != null) {
			int lengthAt = this.size - this.start;
			this.size += 4;
			codec.encodeTo(metadata, this.sink, () -> "the metadata of " + what.get());
			// The envelope may have moved to a new array while the metadata was written.
			Envelope.putInt(this.bytes, this.start + lengthAt, this.size - (this.start + lengthAt) - 4);
		}
		append(type);
		append(stream);
		int payloadStart = this.size - this.start;
		codec.encodeTo(payload, this.sink, what);
		Envelope.setPayloadLength(this.bytes, this.start, this.size - (this.start + payloadStart));
		int length = this.size - this.start;
		this.arrays[this.count] = this.bytes;
		this.offsets[this.count] = this.start;
		this.lengths[this.count] = length;
		this.count++;
		this.totalBytes += length;
		return length;
	}

	/**
	 * Makes every envelope added so far readable by the writer, and wakes it if it waits
	 * for them (encoding thread only).
	 */
	public void publish() {
		this.published = this.count;
		wakeWaiter();
	}

	/**
	 * Tells the writer that no more envelopes will come because encoding failed.
	 * @param cause why
	 */
	public void fail(VarveException cause) {
		this.failure = cause;
		wakeWaiter();
	}

	/**
	 * Waits until an envelope is published (writer thread only).
	 * @param index the envelope's index
	 * @throws VarveException the encoding thread's failure, if it failed before
	 * publishing that envelope, or if it made no progress for a long time
	 */
	public void awaitPublished(int index) {
		if (index < this.published) {
			return;
		}
		int seen = this.published;
		long since = System.nanoTime();
		int spins = 0;
		while (index >= this.published) {
			VarveException failed = this.failure;
			if (failed != null) {
				throw failed;
			}
			if (spins < SPINS) {
				spins++;
				Thread.onSpinWait();
				continue;
			}
			this.waiter = Thread.currentThread();
			if (index < this.published || this.failure != null) {
				this.waiter = null;
				continue;
			}
			LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(10));
			this.waiter = null;
			int now = this.published;
			if (now != seen) {
				seen = now;
				since = System.nanoTime();
			}
			else if (System.nanoTime() - since > STALL_NANOS) {
				throw new VarveException("The thread appending these events stopped encoding them for "
						+ TimeUnit.NANOSECONDS.toSeconds(STALL_NANOS) + " s; the append was not written");
			}
		}
	}

	/** Number of envelopes encoded. */
	public int count() {
		return this.count;
	}

	/**
	 * The array holding an envelope.
	 * @param index the envelope's index
	 * @return the array; see {@link #offset} and {@link #length}
	 */
	public byte[] array(int index) {
		return this.arrays[index];
	}

	/**
	 * Where an envelope starts in its {@linkplain #array array}.
	 * @param index the envelope's index
	 * @return its offset
	 */
	public int offset(int index) {
		return this.offsets[index];
	}

	/**
	 * An envelope's size.
	 * @param index the envelope's index
	 * @return its length in bytes
	 */
	public int length(int index) {
		return this.lengths[index];
	}

	/** Total size of the envelopes encoded. */
	public long totalBytes() {
		return this.totalBytes;
	}

	private void wakeWaiter() {
		Thread parked = this.waiter;
		if (parked != null) {
			LockSupport.unpark(parked);
		}
	}

	private void append(byte[] source) {
		ensure(source.length);
		System.arraycopy(source, 0, this.bytes, this.size, source.length);
		this.size += source.length;
	}

	private void ensure(int more) {
		long needed = (long) this.size + more;
		if (needed <= this.bytes.length) {
			return;
		}
		// Move the envelope being written (never a published one) to a new array.
		long partial = this.size - this.start;
		long length = Math.max(2 * (partial + more), Math.min(MIN_GROWTH, 2L * this.bytes.length));
		if (partial + more > Integer.MAX_VALUE - 16) {
			throw new EventTooLargeException("An event encodes to more than 2 GiB; make it smaller");
		}
		byte[] next = new byte[(int) Math.min(Integer.MAX_VALUE - 16, length)];
		System.arraycopy(this.bytes, this.start, next, 0, (int) partial);
		this.bytes = next;
		this.start = 0;
		this.size = (int) partial;
	}

	/** Where Jackson writes: the end of the buffer. */
	private final class Sink extends OutputStream {

		@Override
		public void write(int b) {
			ensure(1);
			EnvelopeBuffer.this.bytes[EnvelopeBuffer.this.size++] = (byte) b;
		}

		@Override
		public void write(byte[] source, int offset, int length) {
			ensure(length);
			System.arraycopy(source, offset, EnvelopeBuffer.this.bytes, EnvelopeBuffer.this.size, length);
			EnvelopeBuffer.this.size += length;
		}

	}

}

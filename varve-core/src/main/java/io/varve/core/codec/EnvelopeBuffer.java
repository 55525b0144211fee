package io.varve.core.codec;

import java.io.OutputStream;
import java.util.Arrays;
import java.util.UUID;
import java.util.function.Supplier;

import io.varve.EventTooLargeException;

/**
 * The envelopes of one append, encoded back to back into one array. Jackson writes each
 * payload straight behind its header, so an event costs one copy out of Jackson's buffer
 * instead of a payload array and then an envelope array. Filled by one thread; read
 * afterwards by the writer thread (the queue between them publishes it).
 */
public final class EnvelopeBuffer {

	private final Sink sink = new Sink();

	private byte[] bytes;

	private int size;

	private final int[] ends;

	private int count;

	/**
	 * Creates an empty buffer.
	 * @param events how many envelopes it will hold
	 * @param expectedBytes a guess at their total size; the buffer grows past it
	 */
	public EnvelopeBuffer(int events, int expectedBytes) {
		this.bytes = new byte[Math.max(256, expectedBytes)];
		this.ends = new int[events];
	}

	/**
	 * Encodes the next envelope.
	 * @param codec encodes metadata and payload
	 * @param id the event id
	 * @param correlationId the correlation id or null
	 * @param causationId the causation id or null
	 * @param type the type name in UTF-8
	 * @param stream the stream name in UTF-8
	 * @param metadata the metadata or null
	 * @param payload the event
	 * @param what what the event is, for messages (built only on failure)
	 * @return the envelope's size in bytes
	 * @throws io.varve.EventSerializationException if Jackson cannot encode either
	 */
	public int add(PayloadCodec codec, UUID id, UUID correlationId, UUID causationId, byte[] type, byte[] stream,
			Object metadata, Object payload, Supplier<String> what) {
		int start = this.size;
		ensure(Envelope.idsEnd(correlationId, causationId) + 4);
		this.size = Envelope.writeHeader(this.bytes, start, id, correlationId, causationId, metadata != null,
				type.length, stream.length);
		if (metadata != null) {
			int lengthAt = this.size;
			this.size += 4;
			codec.encodeTo(metadata, this.sink, () -> "the metadata of " + what.get());
			Envelope.putInt(this.bytes, lengthAt, this.size - lengthAt - 4);
		}
		append(type);
		append(stream);
		int payloadStart = this.size;
		codec.encodeTo(payload, this.sink, what);
		Envelope.setPayloadLength(this.bytes, start, this.size - payloadStart);
		this.ends[this.count++] = this.size;
		return this.size - start;
	}

	/** Number of envelopes. */
	public int count() {
		return this.count;
	}

	/** The array holding every envelope; see {@link #offset} and {@link #length}. */
	public byte[] bytes() {
		return this.bytes;
	}

	/**
	 * Where an envelope starts.
	 * @param index the envelope's index
	 * @return its offset in {@link #bytes()}
	 */
	public int offset(int index) {
		return (index == 0) ? 0 : this.ends[index - 1];
	}

	/**
	 * An envelope's size.
	 * @param index the envelope's index
	 * @return its length in bytes
	 */
	public int length(int index) {
		return this.ends[index] - offset(index);
	}

	/** Total size of all envelopes. */
	public int totalBytes() {
		return this.size;
	}

	private void append(byte[] source) {
		ensure(source.length);
		System.arraycopy(source, 0, this.bytes, this.size, source.length);
		this.size += source.length;
	}

	private void ensure(int more) {
		long needed = (long) this.size + more;
		if (needed > this.bytes.length) {
			if (needed > Integer.MAX_VALUE - 16) {
				throw new EventTooLargeException(
						"The events of one append encode to more than 2 GiB; split them into smaller appends");
			}
			this.bytes = Arrays.copyOf(this.bytes,
					(int) Math.min(Integer.MAX_VALUE - 16, Math.max(needed, 2L * this.bytes.length)));
		}
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

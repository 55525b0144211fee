package io.varve.core;

import java.util.concurrent.atomic.AtomicIntegerArray;

import org.jspecify.annotations.Nullable;

import io.varve.VarveException;
import io.varve.core.codec.EnvelopeBuffer;

/**
 * The sealing of one large append to an encrypted stream, shared between the writer and
 * the caller encoding it. The writer learns the events' positions and versions when it
 * starts storing them (they follow one another: position, version and the previous
 * position of each event are known from the first); from then on any thread may seal any
 * of them. The writer seals chunks from the front as it stores them. The caller, while it
 * still encodes, seals the chunks it has just encoded whenever the writer lags more than
 * {@link #LAG} chunks behind it (so the two threads' shares of the work even out), and
 * once it has encoded everything, and would otherwise wait idle for the commit, it seals
 * the remaining chunks from the back. Each chunk is claimed once, so each event is sealed
 * once, by one of the two; the writer waits for a chunk the caller holds (at most
 * {@link #CHUNK} events' sealing). Sealing is the most expensive part of storing an
 * encrypted event, and on a machine with a core to spare this spreads it over both
 * threads of the append.
 */
final class SealShare {

	/** Events an append needs before its caller is asked to help. */
	static final int MIN_EVENTS = 128;

	/** Events claimed at a time. */
	static final int CHUNK = 16;

	/** Chunks the writer may lag behind the encoding before the caller seals some. */
	static final int LAG = 4;

	private static final int FREE = 0;

	private static final int WRITER = 1;

	private static final int CALLER = 2;

	private static final int SEALED = 3;

	private final StreamSealing.Sealer sealer;

	private final EnvelopeBuffer envelopes;

	private final long firstPosition;

	private final long firstVersion;

	private final long firstPrevious;

	private final long micros;

	private final int count;

	private final byte[][] sealed;

	private final AtomicIntegerArray chunks;

	/** The chunk the writer is at. */
	private volatile int writerChunk;

	private volatile @Nullable RuntimeException failure;

	/**
	 * @param sealer the stream's sealer
	 * @param envelopes the append's envelopes (all encoded once the caller helps)
	 * @param firstPosition the position of the first event
	 * @param firstVersion the version of the first event
	 * @param firstPrevious the stream's last position before the first event
	 * @param micros the events' timestamp
	 * @param count the number of events
	 */
	SealShare(StreamSealing.Sealer sealer, EnvelopeBuffer envelopes, long firstPosition, long firstVersion,
			long firstPrevious, long micros, int count) {
		this.sealer = sealer;
		this.envelopes = envelopes;
		this.firstPosition = firstPosition;
		this.firstVersion = firstVersion;
		this.firstPrevious = firstPrevious;
		this.micros = micros;
		this.count = count;
		this.sealed = new byte[count][];
		this.chunks = new AtomicIntegerArray((count + CHUNK - 1) / CHUNK);
	}

	/**
	 * The writer's side: the sealed envelope of an event, sealed now unless the caller
	 * sealed it. The writer asks for the events in order, each once it is published.
	 * @param index the event's index in the append
	 * @param position the position the writer gives it
	 * @param previous the stream's last position before it
	 * @return the sealed envelope
	 */
	byte[] sealedAt(int index, long position, long previous) {
		if (position != this.firstPosition + index || previous != previousOf(index)) {
			throw new IllegalStateException("Event " + index + " of an append is stored at position " + position
					+ " after " + previous + ", not where its sealing placed it");
		}
		int chunk = index / CHUNK;
		if (index % CHUNK == 0) {
			this.writerChunk = chunk;
			this.chunks.compareAndSet(chunk, FREE, WRITER);
		}
		int state = this.chunks.get(chunk);
		if (state == WRITER) {
			return seal(index);
		}
		while (state != SEALED) {
			RuntimeException failed = this.failure;
			if (failed != null) {
				throw failed;
			}
			Thread.onSpinWait();
			state = this.chunks.get(chunk);
		}
		return this.sealed[index];
	}

	/**
	 * The caller's side while it encodes, after it published a slice: seals the slice's
	 * whole chunks that the writer, lagging more than {@link #LAG} chunks behind, has not
	 * come to.
	 * @param encoded the number of events encoded and published so far
	 */
	void sealAhead(int encoded) {
		int last = encoded / CHUNK - 1;
		int first = Math.max(0, (encoded - EventEncoder.SLICE) / CHUNK);
		for (int chunk = first; chunk <= last; chunk++) {
			if (chunk - this.writerChunk > LAG && !sealChunk(chunk)) {
				return;
			}
		}
	}

	/**
	 * The caller's side once every event is encoded: seals the chunks still free from the
	 * back until it meets the writer.
	 */
	void help() {
		for (int chunk = this.chunks.length() - 1; chunk >= 0; chunk--) {
			int state = this.chunks.get(chunk);
			if (state == WRITER || (state == FREE && !sealChunk(chunk))) {
				// The writer claims chunks in order, so every chunk before
				// this one is claimed as well.
				return;
			}
		}
	}

	/**
	 * Claims a free chunk for the caller and seals it.
	 * @return false if it was not free, or sealing failed (the writer is told)
	 */
	private boolean sealChunk(int chunk) {
		if (!this.chunks.compareAndSet(chunk, FREE, CALLER)) {
			return false;
		}
		int end = Math.min(this.count, (chunk + 1) * CHUNK);
		try {
			for (int index = chunk * CHUNK; index < end; index++) {
				this.sealed[index] = seal(index);
			}
		}
		catch (RuntimeException ex) {
			this.failure = ex;
			return false;
		}
		catch (Error ex) {
			// The writer must not wait for this chunk forever.
			this.failure = new VarveException("Sealing events of this append failed on its calling thread: " + ex, ex);
			throw ex;
		}
		this.chunks.set(chunk, SEALED);
		return true;
	}

	private byte[] seal(int index) {
		return this.sealer.seal(this.envelopes.array(index), this.envelopes.offset(index), this.envelopes.length(index),
				this.firstPosition + index, this.firstVersion + index, this.micros, previousOf(index));
	}

	private long previousOf(int index) {
		return (index == 0) ? this.firstPrevious : this.firstPosition + index - 1;
	}

}

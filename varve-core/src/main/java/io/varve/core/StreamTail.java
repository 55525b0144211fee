package io.varve.core;

import org.jspecify.annotations.Nullable;

import io.varve.core.storage.StreamRecord;
import io.varve.core.storage.WriteTxn;

/**
 * One stream's end while a transaction adds events to it: its version, the chain of
 * previous positions, and the block index, whose full blocks are written as they fill.
 * Appends and replicated events add to a stream the same way through it.
 */
final class StreamTail {

	private final WriteTxn txn;

	private final @Nullable StreamRecord head;

	private final long streamId;

	private final StreamSealing.@Nullable Sealer sealer;

	private final long[] block = new long[StreamRecord.BLOCK];

	private boolean blockStartsHere;

	private long version;

	private long previous;

	private long first;

	/** The first version of a new stream started above 1, else 1. */
	private long firstVersion = 1;

	/**
	 * A tail whose new stream, if it is one, takes the next stream id. The streams are
	 * counted (a stat of the table) only then.
	 * @param txn the transaction
	 * @param head the stream's head before this transaction's events, or null for a new
	 * stream
	 * @param sealer seals the events of an encrypted store, or null
	 */
	StreamTail(WriteTxn txn, @Nullable StreamRecord head, StreamSealing.@Nullable Sealer sealer) {
		this(txn, head, (head != null) ? 0 : txn.streamCount() + 1, sealer);
	}

	/**
	 * @param txn the transaction
	 * @param head the stream's head before this transaction's events, or null for a new
	 * stream
	 * @param newStreamId the id a new stream gets: the next one, counting the streams
	 * this transaction created whose heads are not written yet
	 * @param sealer seals the events of an encrypted store, or null
	 */
	StreamTail(WriteTxn txn, @Nullable StreamRecord head, long newStreamId, StreamSealing.@Nullable Sealer sealer) {
		this.txn = txn;
		this.sealer = sealer;
		this.head = head;
		this.streamId = (head != null) ? head.streamId() : newStreamId;
		this.version = (head != null) ? head.version() : 0;
		this.previous = (head != null) ? head.lastPosition() : 0;
		this.blockStartsHere = (head == null || head.tailLength() == 0);
	}

	/**
	 * Starts a new stream at a version above 1, as a copy of a stream whose earlier
	 * events were deleted: its first event points back into the deleted part (the
	 * position before its own), where no walk goes, since the stream's first stored
	 * version is recorded.
	 * @param firstVersion the version of its first event
	 * @param firstPosition the position of its first event
	 */
	void startAt(long firstVersion, long firstPosition) {
		if (this.head != null || this.version != 0) {
			throw new IllegalStateException("Only a new stream starts above version 1");
		}
		this.version = firstVersion - 1;
		this.firstVersion = firstVersion;
		this.previous = firstPosition - 1;
	}

	/** The version the stream is at. */
	long version() {
		return this.version;
	}

	/** The position of the stream's last event, 0 for none. */
	long previous() {
		return this.previous;
	}

	/** The position of the first event added through this tail, 0 for none. */
	long first() {
		return this.first;
	}

	/**
	 * Stores an event as the stream's next version.
	 * @param position its position
	 * @param envelopes the array holding its envelope
	 * @param offset where the envelope starts
	 * @param length its length
	 * @param micros its timestamp
	 */
	void add(long position, byte[] envelopes, int offset, int length, long micros) {
		if (this.sealer != null) {
			// Sealed here, where position and version are known, so that the journal and
			// the log only ever receive ciphertext.
			byte[] sealed = this.sealer.seal(envelopes, offset, length, position, this.version + 1, micros,
					this.previous);
			store(position, sealed, 0, sealed.length, micros);
		}
		else {
			store(position, envelopes, offset, length, micros);
		}
	}

	/**
	 * Stores an event of an encrypted stream sealed already, as the stream's next
	 * version.
	 * @param position its position
	 * @param sealed its envelope, sealed for this position, version and previous position
	 * @param micros its timestamp
	 */
	void addSealed(long position, byte[] sealed, long micros) {
		store(position, sealed, 0, sealed.length, micros);
	}

	private void store(long position, byte[] envelopes, int offset, int length, long micros) {
		this.version++;
		if (this.first == 0) {
			this.first = position;
		}
		this.txn.appendEvent(position, envelopes, offset, length, this.version, micros, this.previous);
		this.previous = position;
		int slot = (int) ((this.version - 1) % StreamRecord.BLOCK);
		this.block[slot] = position;
		if (slot == StreamRecord.BLOCK - 1) {
			if (!this.blockStartsHere) {
				// The block began before this transaction: its first positions come from
				// the chain.
				System.arraycopy(this.txn.tailPositions(this.head), 0, this.block, 0, this.head.tailLength());
				this.blockStartsHere = true;
			}
			this.txn.putStreamBlock(this.streamId, (this.version - 1) / StreamRecord.BLOCK, this.block);
		}
	}

	/**
	 * Writes the stream's new head.
	 * @param name the stream name in UTF-8
	 * @param createdMicros when the stream was created, for a new one
	 * @param micros the time of its last event
	 */
	void putHead(byte[] name, long createdMicros, long micros) {
		StreamRecord updated;
		if (this.head == null) {
			updated = new StreamRecord(this.streamId, this.version, this.first, this.previous, createdMicros, micros,
					this.firstVersion, false);
		}
		else {
			// A deleted stream re-created, or one truncated to nothing, starts again at
			// this transaction's first event; its numbering goes on.
			boolean restarts = this.head.liveCount() == 0;
			updated = new StreamRecord(this.streamId, this.version, restarts ? this.first : this.head.firstPosition(),
					this.previous, restarts ? micros : this.head.createdMicros(), micros, this.head.firstVersion(),
					false);
		}
		this.txn.putStream(name, updated);
	}

}

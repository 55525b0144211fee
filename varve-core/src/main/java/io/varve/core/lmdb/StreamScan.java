package io.varve.core.lmdb;

import org.agrona.DirectBuffer;
import org.lmdbjava.Cursor;
import org.lmdbjava.GetOp;
import org.lmdbjava.LmdbException;

import io.varve.core.codec.Envelope;
import io.varve.core.storage.LogVisitor;
import io.varve.core.storage.StreamRecord;

/**
 * One walk over a stream's events: full blocks from the stream index, the newest events
 * through the chain of previous positions. Each event is checked to be the stream's event
 * of the version visited, so that a damaged index or chain never hands out another
 * stream's event as this one's.
 *
 * <p>
 * Events appended together sit at consecutive positions, so the log cursor steps to a
 * neighbour instead of searching from the root.
 */
final class StreamScan {

	private final LmdbTxnBase txn;

	private final byte[] name;

	private final StreamRecord stream;

	private final LogVisitor visitor;

	private Cursor<DirectBuffer> log;

	private long previous = -1;

	StreamScan(LmdbTxnBase txn, byte[] name, StreamRecord stream, LogVisitor visitor) {
		this.txn = txn;
		this.name = name;
		this.stream = stream;
		this.visitor = visitor;
	}

	void scan(long fromVersion, boolean forward) {
		try {
			this.log = this.txn.cursor(LmdbStorageEngine.LOG);
		}
		catch (LmdbException ex) {
			throw this.txn.failed(ex, "read stream '" + LmdbTxnBase.text(this.name) + "'");
		}
		if (this.stream.deleted()) {
			return;
		}
		long flushed = this.stream.fullBlocks() * StreamRecord.BLOCK;
		long first = this.stream.firstVersion();
		if (forward) {
			long version = Math.max(first, fromVersion);
			if (version <= flushed && !walkBlocks(version, 1, flushed, first)) {
				return;
			}
			version = Math.max(version, flushed + 1);
			// The tail is found through the chain only when the walk gets there: a read
			// that stops inside the full blocks does not pay for it.
			long[] tail = (version <= this.stream.version()) ? this.txn.tailPositions(this.stream) : null;
			for (; version <= this.stream.version(); version++) {
				if (!visit(tail[(int) (version - flushed - 1)], version)) {
					return;
				}
			}
		}
		else {
			long version = Math.min(fromVersion, this.stream.version());
			long[] tail = (version > flushed) ? this.txn.tailPositions(this.stream) : null;
			for (; version > flushed && version >= first; version--) {
				if (!visit(tail[(int) (version - flushed - 1)], version)) {
					return;
				}
			}
			if (version >= first) {
				walkBlocks(version, -1, flushed, first);
			}
		}
	}

	/**
	 * Visits the positions of full blocks from a version, up (step 1) to the last flushed
	 * version or down (step -1) to version 1.
	 * @return whether the visitor wants more
	 */
	private boolean walkBlocks(long fromVersion, int step, long flushed, long first) {
		long streamId = this.stream.streamId();
		long block = (fromVersion - 1) / StreamRecord.BLOCK;
		Cursor<DirectBuffer> index;
		boolean found;
		try {
			index = this.txn.cursor(LmdbStorageEngine.STREAM_INDEX);
			found = index.get(this.txn.indexKey(this.txn.key, streamId, block), GetOp.MDB_SET_KEY);
		}
		catch (LmdbException ex) {
			throw this.txn.failed(ex, readingBlock(block));
		}
		long version = fromVersion;
		while (version >= first && version <= flushed) {
			DirectBuffer key = index.key();
			DirectBuffer positions = index.val();
			if (!found || key.capacity() != 16 || key.getLong(0, LmdbTxnBase.ORDER) != streamId
					|| key.getLong(8, LmdbTxnBase.ORDER) != block || positions.capacity() != 8 * StreamRecord.BLOCK) {
				throw this.txn.damaged(
						"block " + block + " of stream #" + streamId + " is missing from the stream index",
						readingBlock(block));
			}
			int slot = (int) ((version - 1) % StreamRecord.BLOCK);
			while (slot >= 0 && slot < StreamRecord.BLOCK && version >= first) {
				if (!visit(positions.getLong(8 * slot, LmdbTxnBase.ORDER), version)) {
					return false;
				}
				slot += step;
				version += step;
			}
			block += step;
			if (version >= first && version <= flushed) {
				try {
					found = (step > 0) ? index.next() : index.prev();
				}
				catch (LmdbException ex) {
					throw this.txn.failed(ex, readingBlock(block));
				}
			}
		}
		return true;
	}

	private String readingBlock(long block) {
		return "read block " + block + " of the index of stream '" + LmdbTxnBase.text(this.name) + "'";
	}

	private boolean visit(long position, long version) {
		boolean onIt = false;
		try {
			if (position == this.previous + 1) {
				onIt = this.log.next() && LmdbTxnBase.isLogKey(this.log.key(), position);
			}
			else if (position == this.previous - 1) {
				onIt = this.log.prev() && LmdbTxnBase.isLogKey(this.log.key(), position);
			}
			if (!onIt && position >= 1) {
				onIt = this.log.get(this.txn.longKey(this.txn.seekKey, position), GetOp.MDB_SET_KEY);
			}
		}
		catch (LmdbException ex) {
			throw this.txn.failed(ex, reading(position, version));
		}
		if (!onIt) {
			throw this.txn.damaged("the stream points at position " + position + ", which is not in the log",
					reading(position, version));
		}
		DirectBuffer envelope = this.txn.envelope(this.log.val(), position);
		if (Envelope.version(envelope) != version || !Envelope.isOfStream(envelope, this.name)) {
			throw this.txn.damaged("the event there belongs to another stream or version", reading(position, version));
		}
		this.previous = position;
		return this.visitor.visit(position, envelope);
	}

	private String reading(long position, long version) {
		return "read version " + version + " of stream '" + LmdbTxnBase.text(this.name) + "' at log position "
				+ position;
	}

}

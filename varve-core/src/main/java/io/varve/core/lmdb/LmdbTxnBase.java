package io.varve.core.lmdb;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.UUID;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.lmdbjava.Cursor;
import org.lmdbjava.Dbi;
import org.lmdbjava.GetOp;
import org.lmdbjava.Txn;

import io.varve.core.storage.AuxTable;
import io.varve.core.storage.EntryVisitor;
import io.varve.core.storage.LogVisitor;
import io.varve.core.storage.ReadTxn;
import io.varve.core.storage.StreamRecord;

/**
 * Reads shared by read and write transactions. Keys handed to LMDB must live off-heap, so
 * each transaction owns a scratch buffer that is re-wrapped to each key's exact length.
 */
abstract class LmdbTxnBase implements ReadTxn {

	static final ByteOrder ORDER = ByteOrder.BIG_ENDIAN;

	static final int MAX_KEY = 511;

	final LmdbStorageEngine engine;

	Txn<DirectBuffer> txn;

	private final ByteBuffer keyMemory = ByteBuffer.allocateDirect(MAX_KEY);

	/** The scratch key, wrapped to the length of the key in use. */
	final UnsafeBuffer key = new UnsafeBuffer(this.keyMemory);

	private final ByteBuffer seekMemory = ByteBuffer.allocateDirect(MAX_KEY);

	/** A second scratch key, for lookups made while a scan holds {@link #key}. */
	final UnsafeBuffer seekKey = new UnsafeBuffer(this.seekMemory);

	private final Cursor<DirectBuffer>[] cursors;

	@SuppressWarnings("unchecked")
	LmdbTxnBase(LmdbStorageEngine engine, Txn<DirectBuffer> txn) {
		this.engine = engine;
		this.txn = txn;
		this.cursors = new Cursor[engine.dbiCount()];
	}

	/**
	 * The transaction's cursor on a database, opened on first use.
	 * @param dbi the database index in the engine
	 * @return the cursor
	 */
	Cursor<DirectBuffer> cursor(int dbi) {
		Cursor<DirectBuffer> cursor = this.cursors[dbi];
		if (cursor == null) {
			cursor = this.engine.dbi(dbi).openCursor(this.txn);
			this.cursors[dbi] = cursor;
		}
		else {
			prepareCursor(dbi, cursor);
		}
		return cursor;
	}

	/** Hook for read transactions to renew cursors after the transaction was renewed. */
	void prepareCursor(int dbi, Cursor<DirectBuffer> cursor) {
	}

	void closeCursors() {
		for (int i = 0; i < this.cursors.length; i++) {
			if (this.cursors[i] != null) {
				this.cursors[i].close();
				this.cursors[i] = null;
			}
		}
	}

	UnsafeBuffer longKey(UnsafeBuffer buffer, long value) {
		buffer.wrap(buffer.addressOffset(), 8);
		buffer.putLong(0, value, ORDER);
		return buffer;
	}

	UnsafeBuffer bytesKey(UnsafeBuffer buffer, byte[] bytes) {
		buffer.wrap(buffer.addressOffset(), bytes.length);
		buffer.putBytes(0, bytes);
		return buffer;
	}

	UnsafeBuffer indexKey(UnsafeBuffer buffer, long streamId, long block) {
		buffer.wrap(buffer.addressOffset(), 16);
		buffer.putLong(0, streamId, ORDER);
		buffer.putLong(8, block, ORDER);
		return buffer;
	}

	UnsafeBuffer uuidKey(UnsafeBuffer buffer, UUID id) {
		buffer.wrap(buffer.addressOffset(), 16);
		buffer.putLong(0, id.getMostSignificantBits(), ORDER);
		buffer.putLong(8, id.getLeastSignificantBits(), ORDER);
		return buffer;
	}

	@Override
	public long headPosition() {
		Cursor<DirectBuffer> cursor = cursor(LmdbStorageEngine.LOG);
		return cursor.last() ? cursor.key().getLong(0, ORDER) : 0;
	}

	@Override
	public long streamCount() {
		return this.engine.dbi(LmdbStorageEngine.STREAMS).stat(this.txn).entries;
	}

	@Override
	public StreamRecord stream(byte[] name) {
		DirectBuffer value = this.engine.dbi(LmdbStorageEngine.STREAMS).get(this.txn, bytesKey(this.seekKey, name));
		return (value != null) ? StreamRecord.decode(value) : null;
	}

	@Override
	public DirectBuffer event(long position) {
		if (position < 1) {
			return null;
		}
		return this.engine.dbi(LmdbStorageEngine.LOG).get(this.txn, longKey(this.seekKey, position));
	}

	@Override
	public long positionOf(UUID id) {
		DirectBuffer value = this.engine.dbi(LmdbStorageEngine.EVENT_IDS).get(this.txn, uuidKey(this.seekKey, id));
		return (value != null) ? value.getLong(0, ORDER) : 0;
	}

	@Override
	public void scanLog(long fromPosition, LogVisitor visitor) {
		Cursor<DirectBuffer> cursor = cursor(LmdbStorageEngine.LOG);
		if (!cursor.get(longKey(this.key, Math.max(1, fromPosition)), GetOp.MDB_SET_RANGE)) {
			return;
		}
		do {
			if (!visitor.visit(cursor.key().getLong(0, ORDER), cursor.val())) {
				return;
			}
		}
		while (cursor.next());
	}

	@Override
	public void scanStream(StreamRecord stream, long fromVersion, boolean forward, LogVisitor visitor) {
		long flushed = stream.fullBlocks() * StreamRecord.BLOCK;
		StreamWalk walk = new StreamWalk(cursor(LmdbStorageEngine.LOG), visitor);
		if (forward) {
			long version = Math.max(1, fromVersion);
			if (version <= flushed && !walkBlocks(stream.streamId(), version, 1, flushed, walk)) {
				return;
			}
			version = Math.max(version, flushed + 1);
			// The tail is found through the chain only when the walk gets there: a read
			// that stops inside the full blocks does not pay for it.
			long[] tail = (version <= stream.version()) ? tailPositions(stream) : null;
			for (; version <= stream.version(); version++) {
				if (!walk.visit(tail[(int) (version - flushed - 1)])) {
					return;
				}
			}
		}
		else {
			long version = Math.min(fromVersion, stream.version());
			long[] tail = (version > flushed) ? tailPositions(stream) : null;
			for (; version > flushed; version--) {
				if (!walk.visit(tail[(int) (version - flushed - 1)])) {
					return;
				}
			}
			if (version >= 1) {
				walkBlocks(stream.streamId(), version, -1, flushed, walk);
			}
		}
	}

	/**
	 * Visits the positions of full blocks from a version, up (step 1) to the last flushed
	 * version or down (step -1) to version 1.
	 * @return whether the visitor wants more
	 */
	private boolean walkBlocks(long streamId, long fromVersion, int step, long flushed, StreamWalk walk) {
		Cursor<DirectBuffer> index = cursor(LmdbStorageEngine.STREAM_INDEX);
		long block = (fromVersion - 1) / StreamRecord.BLOCK;
		boolean found = index.get(indexKey(this.key, streamId, block), GetOp.MDB_SET_KEY);
		long version = fromVersion;
		while (version >= 1 && version <= flushed) {
			DirectBuffer positions = index.val();
			if (!found || index.key().getLong(0, ORDER) != streamId || index.key().getLong(8, ORDER) != block
					|| positions.capacity() != 8 * StreamRecord.BLOCK) {
				throw new io.varve.CorruptDataException("Block " + block + " of stream " + streamId
						+ " is missing from the stream index; the store file is damaged, restore it from a backup");
			}
			int slot = (int) ((version - 1) % StreamRecord.BLOCK);
			while (slot >= 0 && slot < StreamRecord.BLOCK) {
				if (!walk.visit(positions.getLong(8 * slot, ORDER))) {
					return false;
				}
				slot += step;
				version += step;
			}
			block += step;
			if (version >= 1 && version <= flushed) {
				found = (step > 0) ? index.next() : index.prev();
			}
		}
		return true;
	}

	/**
	 * Reads a stream's events from the log. Events appended together sit at consecutive
	 * positions, so the log cursor steps to a neighbour instead of searching from the
	 * root.
	 */
	private final class StreamWalk {

		private final Cursor<DirectBuffer> log;

		private final LogVisitor visitor;

		private long previous = -1;

		StreamWalk(Cursor<DirectBuffer> log, LogVisitor visitor) {
			this.log = log;
			this.visitor = visitor;
		}

		boolean visit(long position) {
			boolean onIt = false;
			if (position == this.previous + 1) {
				onIt = this.log.next() && this.log.key().getLong(0, ORDER) == position;
			}
			else if (position == this.previous - 1) {
				onIt = this.log.prev() && this.log.key().getLong(0, ORDER) == position;
			}
			if (!onIt) {
				onIt = this.log.get(longKey(LmdbTxnBase.this.seekKey, position), GetOp.MDB_SET_KEY);
			}
			if (!onIt) {
				throw new io.varve.CorruptDataException("A stream points at position " + position
						+ ", which is not in the log; the store file is damaged, restore it from a backup");
			}
			this.previous = position;
			return this.visitor.visit(position, this.log.val());
		}

	}

	@Override
	public void scanStreams(byte[] fromName, EntryVisitor visitor) {
		scanDbi(LmdbStorageEngine.STREAMS, fromName, visitor);
	}

	@Override
	public DirectBuffer get(AuxTable table, byte[] key) {
		return this.engine.dbi(LmdbStorageEngine.auxDbi(table)).get(this.txn, bytesKey(this.seekKey, key));
	}

	@Override
	public void scan(AuxTable table, byte[] fromKey, EntryVisitor visitor) {
		scanDbi(LmdbStorageEngine.auxDbi(table), fromKey, visitor);
	}

	private void scanDbi(int dbi, byte[] fromKey, EntryVisitor visitor) {
		Cursor<DirectBuffer> cursor = cursor(dbi);
		boolean found = (fromKey.length == 0) ? cursor.first()
				: cursor.get(bytesKey(this.key, fromKey), GetOp.MDB_SET_RANGE);
		while (found) {
			if (!visitor.visit(cursor.key(), cursor.val())) {
				return;
			}
			found = cursor.next();
		}
	}

}

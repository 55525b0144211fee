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

	UnsafeBuffer indexKey(UnsafeBuffer buffer, long streamId, long version) {
		buffer.wrap(buffer.addressOffset(), 16);
		buffer.putLong(0, streamId, ORDER);
		buffer.putLong(8, version, ORDER);
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
	public void scanStream(long streamId, long fromVersion, boolean forward, LogVisitor visitor) {
		Cursor<DirectBuffer> cursor = cursor(LmdbStorageEngine.STREAM_INDEX);
		boolean found = cursor.get(indexKey(this.key, streamId, Math.max(1, fromVersion)), GetOp.MDB_SET_RANGE);
		if (!forward) {
			if (!found) {
				found = cursor.last();
			}
			else if (cursor.key().getLong(0, ORDER) != streamId || cursor.key().getLong(8, ORDER) != fromVersion) {
				found = cursor.prev();
			}
		}
		Cursor<DirectBuffer> logCursor = cursor(LmdbStorageEngine.LOG);
		long previous = -1;
		while (found && cursor.key().getLong(0, ORDER) == streamId) {
			long position = cursor.val().getLong(0, ORDER);
			// Events appended together sit at consecutive positions: step the log cursor
			// instead of searching the log from its root for each of them.
			boolean onIt = position == previous + 1 && forward && logCursor.next()
					&& logCursor.key().getLong(0, ORDER) == position;
			if (!onIt) {
				onIt = logCursor.get(longKey(this.seekKey, position), GetOp.MDB_SET_KEY);
			}
			previous = position;
			DirectBuffer envelope = onIt ? logCursor.val() : null;
			if (envelope == null) {
				throw new io.varve.CorruptDataException("Stream index points at position " + position
						+ ", which is not in the log; the store file is damaged, restore it from a backup");
			}
			if (!visitor.visit(position, envelope)) {
				return;
			}
			found = forward ? cursor.next() : cursor.prev();
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

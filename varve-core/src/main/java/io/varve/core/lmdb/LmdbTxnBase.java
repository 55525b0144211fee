package io.varve.core.lmdb;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.lmdbjava.Cursor;
import org.lmdbjava.GetOp;
import org.lmdbjava.LmdbException;
import org.lmdbjava.Stat;
import org.lmdbjava.Txn;

import io.varve.CorruptDataException;
import io.varve.core.codec.Envelope;
import io.varve.core.storage.AuxTable;
import io.varve.core.storage.DeletedPositions;
import io.varve.core.storage.EntryVisitor;
import io.varve.core.storage.LogVisitor;
import io.varve.core.storage.ReadTxn;
import io.varve.core.storage.StreamRecord;

/**
 * Reads shared by read and write transactions. Keys handed to LMDB must live off-heap, so
 * each transaction owns a scratch buffer that is re-wrapped to each key's exact length.
 *
 * <p>
 * LMDB keeps no checksums, so what it returns from a damaged file is whatever bytes sit
 * where its pages point. Everything is checked before it is handed on: key sizes, value
 * lengths against the data in the file, envelopes against their position, the log's
 * positions for gaps. Only LMDB's own calls sit inside the exception translation, never a
 * visitor, so that a caller's exception passes through unchanged.
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
	 * Whether this transaction writes: its values may lie in pages not yet in the file.
	 */
	abstract boolean writes();

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

	/**
	 * The exception for an LMDB call that failed.
	 * @param ex the failure
	 * @param what what was being read, as in "read log position 4"
	 * @return the exception to throw
	 */
	RuntimeException failed(LmdbException ex, String what) {
		return LmdbErrors.translate(ex, what, this.engine.directory());
	}

	/**
	 * The exception for damage found in what LMDB returned.
	 * @param problem what is wrong
	 * @param what what was being read
	 * @return the exception to throw
	 */
	CorruptDataException damaged(String problem, String what) {
		return LmdbErrors.damaged(this.engine.directory(), problem, what, null);
	}

	/**
	 * A log key's position, checked to be one.
	 * @param key the key
	 * @param reading the position being read (0 for the last), for the message
	 * @return the position
	 */
	long logPosition(DirectBuffer key, long reading) {
		if (key.capacity() != 8 || key.getLong(0, ORDER) < 1) {
			throw damaged(
					"a log key is " + ((key.capacity() != 8) ? key.capacity() + " bytes instead of 8"
							: "position " + key.getLong(0, ORDER)),
					(reading > 0) ? "read log position " + reading : "read the last log position");
		}
		return key.getLong(0, ORDER);
	}

	/** Whether a key is the log key of a position. */
	static boolean isLogKey(DirectBuffer key, long position) {
		return key.capacity() == 8 && key.getLong(0, ORDER) == position;
	}

	/**
	 * Checks the value found at a log position before anyone reads the lengths it holds:
	 * no longer than the data in the file, structurally sound, and stamped with that
	 * position.
	 * @param value what LMDB returned
	 * @param position the position it was found at
	 * @return the value
	 */
	DirectBuffer envelope(DirectBuffer value, long position) {
		String problem = this.engine.lengthProblem(value, writes());
		if (problem == null) {
			problem = Envelope.problem(value);
		}
		if (problem == null && Envelope.position(value) != position) {
			problem = "it says it is at position " + Envelope.position(value);
		}
		if (problem != null) {
			throw damaged("the event at log position " + position + " is unsound: " + problem,
					"read log position " + position);
		}
		return value;
	}

	@Override
	public long headPosition() {
		try {
			Cursor<DirectBuffer> cursor = cursor(LmdbStorageEngine.LOG);
			return cursor.last() ? logPosition(cursor.key(), 0) : 0;
		}
		catch (LmdbException ex) {
			throw failed(ex, "read the last log position");
		}
	}

	@Override
	public long streamCount() {
		try {
			return this.engine.dbi(LmdbStorageEngine.STREAMS).stat(this.txn).entries;
		}
		catch (LmdbException ex) {
			throw failed(ex, "count the streams");
		}
	}

	@Override
	public @Nullable StreamRecord stream(byte[] name) {
		DirectBuffer value;
		try {
			value = this.engine.dbi(LmdbStorageEngine.STREAMS).get(this.txn, bytesKey(this.seekKey, name));
		}
		catch (LmdbException ex) {
			throw failed(ex, "read the head of stream '" + text(name) + "'");
		}
		return (value != null) ? streamRecord(name, value) : null;
	}

	private StreamRecord streamRecord(byte[] name, DirectBuffer value) {
		String problem = StreamRecord.problem(value);
		if (problem != null) {
			throw damaged("the head record of stream '" + text(name) + "' " + problem,
					"read the head of stream '" + text(name) + "'");
		}
		return StreamRecord.decode(value);
	}

	@Override
	public @Nullable DirectBuffer event(long position) {
		if (position < 1) {
			return null;
		}
		DirectBuffer value;
		try {
			value = this.engine.dbi(LmdbStorageEngine.LOG).get(this.txn, longKey(this.seekKey, position));
		}
		catch (LmdbException ex) {
			throw failed(ex, "read log position " + position);
		}
		if (value == null) {
			// Until events are deleted positions are gapless, and one missing below the
			// head was lost; deleted events leave their positions empty.
			long head = headPosition();
			if (position <= head && DeletedPositions.count(this) == 0) {
				throw damaged("log position " + position + " is missing though the log reaches " + head,
						"read log position " + position);
			}
			return null;
		}
		return envelope(value, position);
	}

	@Override
	public long positionOf(UUID id) {
		DirectBuffer value;
		try {
			value = this.engine.dbi(LmdbStorageEngine.EVENT_IDS).get(this.txn, uuidKey(this.seekKey, id));
		}
		catch (LmdbException ex) {
			throw failed(ex, "look up event id " + id);
		}
		if (value == null) {
			return 0;
		}
		long position = (value.capacity() == 8) ? value.getLong(0, ORDER) : 0;
		if (position < 1) {
			throw damaged("the event-id index entry of " + id + " is not a position", "look up event id " + id);
		}
		return position;
	}

	/**
	 * Visits the log from a position. Positions ascend by construction (deleted events
	 * leave gaps), so a key out of that order is damage, found here before a caller could
	 * loop on it.
	 */
	@Override
	public void scanLog(long fromPosition, LogVisitor visitor) {
		long expected = Math.max(1, fromPosition);
		Cursor<DirectBuffer> cursor;
		boolean found;
		try {
			cursor = cursor(LmdbStorageEngine.LOG);
			found = cursor.get(longKey(this.key, expected), GetOp.MDB_SET_RANGE);
		}
		catch (LmdbException ex) {
			throw failed(ex, "read log position " + expected);
		}
		while (found) {
			long position = logPosition(cursor.key(), expected);
			if (position < expected || (position > expected && !gapsAllowed())) {
				throw damaged("the log goes from position " + (expected - 1) + " to " + position,
						"read log position " + expected);
			}
			if (!visitor.visit(position, envelope(cursor.val(), position))) {
				return;
			}
			expected = position + 1;
			try {
				found = cursor.next();
			}
			catch (LmdbException ex) {
				throw failed(ex, "read the log after position " + position);
			}
		}
	}

	/** Whether the log may have gaps: events were deleted. */
	private boolean gapsAllowed() {
		return DeletedPositions.count(this) > 0;
	}

	@Override
	public void scanStream(byte[] name, StreamRecord stream, long fromVersion, boolean forward, LogVisitor visitor) {
		new StreamScan(this, name, stream, visitor).scan(fromVersion, forward);
	}

	@Override
	public long[] tailPositions(StreamRecord stream) {
		long[] tail = new long[stream.tailLength()];
		if (stream.deleted()) {
			return tail;
		}
		long position = stream.lastPosition();
		long version = stream.version();
		// Versions before the first one stored were deleted: their slots stay 0.
		long stop = Math.max(0, tail.length - 1 - (stream.version() - stream.firstVersion()));
		for (int i = tail.length - 1; i >= stop; i--) {
			tail[i] = position;
			if (i > stop) {
				DirectBuffer envelope = event(position);
				if (envelope == null || Envelope.version(envelope) != version) {
					throw damaged(
							"stream #" + stream.streamId() + " chains version " + version + " to position " + position
									+ ", which "
									+ ((envelope == null) ? "is not in the log"
											: "holds version " + Envelope.version(envelope)),
							"find the newest events of stream #" + stream.streamId());
				}
				position = Envelope.previousPosition(envelope);
				version--;
			}
		}
		return tail;
	}

	@Override
	public void scanStreams(byte[] fromName, EntryVisitor visitor) {
		scanDbi(LmdbStorageEngine.STREAMS, fromName, "list the streams", (key, value) -> {
			String problem = StreamRecord.problem(value);
			if (problem != null) {
				throw damaged("the head record of stream '" + text(key) + "' " + problem, "list the streams");
			}
			return visitor.visit(key, value);
		});
	}

	@Override
	public @Nullable DirectBuffer get(AuxTable table, byte[] key) {
		DirectBuffer value;
		try {
			value = this.engine.dbi(LmdbStorageEngine.auxDbi(table)).get(this.txn, bytesKey(this.seekKey, key));
		}
		catch (LmdbException ex) {
			throw failed(ex, "read key '" + text(key) + "' of table " + table);
		}
		if (value != null) {
			String problem = this.engine.lengthProblem(value, writes());
			if (problem != null) {
				throw damaged("the value of key '" + text(key) + "': " + problem, "read table " + table);
			}
		}
		return value;
	}

	/**
	 * An entry of the meta table, copied.
	 * @param key the entry's name
	 * @return its value, or null
	 */
	byte @Nullable [] meta(String key) {
		byte[] name = key.getBytes(StandardCharsets.UTF_8);
		DirectBuffer value;
		try {
			value = this.engine.dbi(LmdbStorageEngine.META).get(this.txn, bytesKey(this.seekKey, name));
		}
		catch (LmdbException ex) {
			throw failed(ex, "read entry '" + key + "' of the meta table");
		}
		if (value == null) {
			return null;
		}
		byte[] copy = new byte[value.capacity()];
		value.getBytes(0, copy);
		return copy;
	}

	@Override
	public long[] tableSize(AuxTable table) {
		try {
			Stat stat = this.engine.dbi(LmdbStorageEngine.auxDbi(table)).stat(this.txn);
			long pages = stat.branchPages + stat.leafPages + stat.overflowPages;
			return new long[] { stat.entries, pages * stat.pageSize };
		}
		catch (LmdbException ex) {
			throw failed(ex, "measure table " + table);
		}
	}

	@Override
	public void scan(AuxTable table, byte[] fromKey, EntryVisitor visitor) {
		scanDbi(LmdbStorageEngine.auxDbi(table), fromKey, "read table " + table, (key, value) -> {
			String problem = this.engine.lengthProblem(value, writes());
			if (problem != null) {
				throw damaged("the value of key '" + text(key) + "': " + problem, "read table " + table);
			}
			return visitor.visit(key, value);
		});
	}

	private void scanDbi(int dbi, byte[] fromKey, String what, EntryVisitor visitor) {
		Cursor<DirectBuffer> cursor;
		boolean found;
		try {
			cursor = cursor(dbi);
			found = (fromKey.length == 0) ? cursor.first()
					: cursor.get(bytesKey(this.key, fromKey), GetOp.MDB_SET_RANGE);
		}
		catch (LmdbException ex) {
			throw failed(ex, what + " from key '" + text(fromKey) + "'");
		}
		for (long entries = 1; found; entries++) {
			DirectBuffer key = cursor.key();
			if (key.capacity() < 1 || key.capacity() > MAX_KEY) {
				throw damaged("a key is " + key.capacity() + " bytes long", what);
			}
			if (!visitor.visit(key, cursor.val())) {
				return;
			}
			try {
				found = cursor.next();
			}
			catch (LmdbException ex) {
				throw failed(ex, what + " from key '" + text(fromKey) + "', past entry " + entries);
			}
		}
	}

	static String text(byte[] bytes) {
		return new String(bytes, StandardCharsets.UTF_8);
	}

	static String text(DirectBuffer buffer) {
		byte[] bytes = new byte[Math.min(Math.max(0, buffer.capacity()), MAX_KEY)];
		buffer.getBytes(0, bytes);
		return text(bytes);
	}

}

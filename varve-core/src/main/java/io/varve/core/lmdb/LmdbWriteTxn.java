package io.varve.core.lmdb;

import java.nio.ByteBuffer;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.lmdbjava.Cursor;
import org.lmdbjava.GetOp;
import org.lmdbjava.PutFlags;
import org.lmdbjava.Txn;

import io.varve.core.codec.Envelope;
import io.varve.core.codec.EnvelopeChecksum;
import io.varve.core.durability.JournalRecord;
import io.varve.core.storage.AuxTable;
import io.varve.core.storage.Keys;
import io.varve.core.storage.StreamRecord;
import io.varve.core.storage.WriteTxn;

/**
 * The writer's transaction (on whichever thread commits). Keys that are known to sort
 * after every existing key (the next log position, the newest stream's next version, a
 * time-ordered event id newer than any stored) are put with {@code MDB_APPEND}, which
 * skips the search and fills pages completely instead of splitting them in half.
 */
final class LmdbWriteTxn extends LmdbTxnBase implements WriteTxn {

	// Held in a field: UnsafeBuffer.wrap(address, length) drops the buffer's reference to
	// it, and a direct buffer nobody references is freed while LMDB still writes there.
	private final ByteBuffer valueMemory = ByteBuffer.allocateDirect(64);

	private final UnsafeBuffer value = new UnsafeBuffer(this.valueMemory);

	private long newestStreamId;

	private long lastIdHigh;

	private long lastIdLow;

	private boolean done;

	private final byte[] stampedHeader = new byte[Envelope.HEADER];

	/**
	 * Records every change for the journal, or null when this transaction is not
	 * journaled.
	 */
	private final JournalRecord.@Nullable Builder record;

	/**
	 * Whether this is one group's writes straight into the engine's batch (LMDB's
	 * transaction is the batch's, not one of its own): its commit journals the group and
	 * leaves LMDB's transaction open, which {@link LmdbStorageEngine#publish()} commits;
	 * closing it uncommitted leaves the group's writes in the batch, which the writer
	 * then abandons ({@link LmdbStorageEngine#abandonBatch()}).
	 */
	private final boolean inBatch;

	LmdbWriteTxn(LmdbStorageEngine engine, Txn<DirectBuffer> txn, long lastIdHigh, long lastIdLow,
			JournalRecord.@Nullable Builder record, boolean inBatch) {
		super(engine, txn);
		this.inBatch = inBatch;
		this.newestStreamId = streamCount();
		this.lastIdHigh = lastIdHigh;
		this.lastIdLow = lastIdLow;
		this.record = record;
		if (record != null) {
			record.reset();
		}
	}

	@Override
	boolean writes() {
		return true;
	}

	@Override
	public void appendEvent(long position, byte[] envelopes, int offset, int length, long version, long timestampMicros,
			long previousPosition) {
		try {
			// A cursor kept for the whole transaction stays at the end of the log, so
			// each
			// append neither sets up a cursor nor searches (mdb_put would do both).
			MutableDirectBuffer target = (MutableDirectBuffer) cursor(LmdbStorageEngine.LOG)
				.reserve(longKey(this.key, position), length + Envelope.CHECKSUM, PutFlags.MDB_APPEND);
			target.putBytes(0, envelopes, offset, length);
			Envelope.stamp(target, position, version, timestampMicros, previousPosition);
			EnvelopeChecksum.seal(target, envelopes, offset, length, this.stampedHeader);
			if (this.record != null) {
				this.record.appendEvent(position, envelopes, offset, length, version, timestampMicros,
						previousPosition);
			}
		}
		catch (RuntimeException ex) {
			throw LmdbErrors.translate(ex, "append to the log", this.engine.directory());
		}
	}

	@Override
	public void putStreamBlock(long streamId, long block, long[] positions) {
		try {
			UnsafeBuffer indexKey = indexKey(this.key, streamId, block);
			int size = 8 * StreamRecord.BLOCK;
			// The newest stream's keys sort after every other key: append without a
			// search.
			MutableDirectBuffer target = (MutableDirectBuffer) ((streamId >= this.newestStreamId)
					? this.engine.dbi(LmdbStorageEngine.STREAM_INDEX)
						.reserve(this.txn, indexKey, size, PutFlags.MDB_APPEND)
					: this.engine.dbi(LmdbStorageEngine.STREAM_INDEX).reserve(this.txn, indexKey, size));
			for (int i = 0; i < StreamRecord.BLOCK; i++) {
				target.putLong(8 * i, positions[i], ORDER);
			}
			if (this.record != null) {
				this.record.putStreamBlock(streamId, block, positions);
			}
		}
		catch (RuntimeException ex) {
			throw LmdbErrors.translate(ex, "index a stream block", this.engine.directory());
		}
	}

	@Override
	public boolean deleteEvent(long position) {
		try {
			Cursor<DirectBuffer> cursor = cursor(LmdbStorageEngine.LOG);
			if (!cursor.get(longKey(this.key, position), GetOp.MDB_SET_KEY)) {
				return false;
			}
			cursor.delete();
			if (this.record != null) {
				this.record.deleteEvent(position);
			}
			return true;
		}
		catch (RuntimeException ex) {
			throw LmdbErrors.translate(ex, "delete log position " + position, this.engine.directory());
		}
	}

	@Override
	public boolean deleteStreamBlock(long streamId, long block) {
		try {
			boolean deleted = this.engine.dbi(LmdbStorageEngine.STREAM_INDEX)
				.delete(this.txn, indexKey(this.key, streamId, block));
			if (deleted && this.record != null) {
				this.record.deleteStreamBlock(streamId, block);
			}
			return deleted;
		}
		catch (RuntimeException ex) {
			throw LmdbErrors.translate(ex, "delete a stream index block", this.engine.directory());
		}
	}

	@Override
	public boolean putEventId(UUID id, long position) {
		try {
			this.value.wrap(this.value.addressOffset(), 8);
			this.value.putLong(0, position, ORDER);
			long high = id.getMostSignificantBits();
			long low = id.getLeastSignificantBits();
			int order = Long.compareUnsigned(high, this.lastIdHigh);
			if (order == 0) {
				order = Long.compareUnsigned(low, this.lastIdLow);
			}
			boolean added;
			if (order > 0) {
				cursor(LmdbStorageEngine.EVENT_IDS).put(uuidKey(this.key, id), this.value, PutFlags.MDB_APPEND);
				this.lastIdHigh = high;
				this.lastIdLow = low;
				added = true;
			}
			else {
				added = this.engine.dbi(LmdbStorageEngine.EVENT_IDS)
					.put(this.txn, uuidKey(this.key, id), this.value, PutFlags.MDB_NOOVERWRITE);
			}
			if (added && this.record != null) {
				this.record.putEventId(id, position);
			}
			return added;
		}
		catch (RuntimeException ex) {
			throw LmdbErrors.translate(ex, "index an event id", this.engine.directory());
		}
	}

	@Override
	public void putStream(byte[] name, StreamRecord record) {
		try {
			MutableDirectBuffer target = (MutableDirectBuffer) this.engine.dbi(LmdbStorageEngine.STREAMS)
				.reserve(this.txn, bytesKey(this.key, name), record.storedSize());
			record.encode(target);
			if (record.streamId() > this.newestStreamId) {
				this.newestStreamId = record.streamId();
			}
			if (this.record != null) {
				this.record.putStream(name, record);
			}
		}
		catch (RuntimeException ex) {
			throw LmdbErrors.translate(ex, "write a stream head", this.engine.directory());
		}
	}

	@Override
	public void put(AuxTable table, byte[] key, byte[] value) {
		try {
			MutableDirectBuffer target = (MutableDirectBuffer) this.engine.dbi(LmdbStorageEngine.auxDbi(table))
				.reserve(this.txn, bytesKey(this.key, key), value.length);
			target.putBytes(0, value);
			if (this.record != null) {
				this.record.put(table, key, value);
			}
		}
		catch (RuntimeException ex) {
			throw LmdbErrors.translate(ex, "write to " + table, this.engine.directory());
		}
	}

	@Override
	public boolean delete(AuxTable table, byte[] key) {
		try {
			boolean deleted = this.engine.dbi(LmdbStorageEngine.auxDbi(table))
				.delete(this.txn, bytesKey(this.key, key));
			if (deleted && this.record != null) {
				this.record.delete(table, key);
			}
			return deleted;
		}
		catch (RuntimeException ex) {
			throw LmdbErrors.translate(ex, "delete from " + table, this.engine.directory());
		}
	}

	@Override
	public long deletePrefix(AuxTable table, byte[] prefix) {
		try {
			Cursor<DirectBuffer> cursor = cursor(LmdbStorageEngine.auxDbi(table));
			long deleted = 0;
			// Seek afresh after each delete: simple, and prefix deletes are rare
			// (projection resets).
			while (seekPrefix(cursor, prefix)) {
				cursor.delete();
				deleted++;
			}
			if (deleted > 0 && this.record != null) {
				this.record.deletePrefix(table, prefix);
			}
			return deleted;
		}
		catch (RuntimeException ex) {
			throw LmdbErrors.translate(ex, "delete from " + table, this.engine.directory());
		}
	}

	private boolean seekPrefix(Cursor<DirectBuffer> cursor, byte[] prefix) {
		boolean found = (prefix.length == 0) ? cursor.first()
				: cursor.get(bytesKey(this.key, prefix), GetOp.MDB_SET_RANGE);
		return found && Keys.startsWith(cursor.key(), prefix);
	}

	/**
	 * Commits: with a journal, the group's record is appended (and, as the durability
	 * asks, flushed: the acknowledgement) before LMDB's commit makes the changes visible,
	 * so no reader, in this process or another, ever sees a change the journal does not
	 * hold. LMDB's own commit is not flushed: checkpoints do that. A group in the batch
	 * commits nothing in LMDB: its writes are in the batch, which readers see once it is
	 * published; should its record fail to be written, the group is not acknowledged and
	 * the writer abandons the batch.
	 */
	@Override
	public void commit() {
		closeCursors();
		this.done = true;
		if (this.inBatch) {
			long journaled;
			try {
				journaled = this.engine.journaling().append(this.record);
			}
			catch (RuntimeException ex) {
				throw LmdbErrors.translateWrite(ex, "commit", this.engine.directory(), this.engine.directory());
			}
			this.engine.groupCommitted(this.lastIdHigh, this.lastIdLow, journaled);
			return;
		}
		long journaled = -1;
		try {
			if (this.record != null) {
				journaled = this.engine.journaling().append(this.record);
			}
			this.txn.commit();
			this.txn.close();
			this.engine.committed(this.lastIdHigh, this.lastIdLow, journaled);
		}
		catch (RuntimeException ex) {
			this.txn.close();
			if (journaled >= 0) {
				this.engine.journaling().journal().cancelLast();
			}
			throw LmdbErrors.translateWrite(ex, "commit", this.engine.directory(), this.engine.directory());
		}
		finally {
			this.engine.writeEnded();
		}
	}

	@Override
	public void close() {
		if (this.done) {
			return;
		}
		this.done = true;
		if (this.inBatch) {
			// The batch, with whatever this group wrote, stays open: the writer abandons
			// it.
			closeCursors();
			return;
		}
		try {
			closeCursors();
			this.txn.close();
		}
		finally {
			this.engine.writeEnded();
		}
	}

}

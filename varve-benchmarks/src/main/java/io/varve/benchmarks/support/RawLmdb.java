package io.varve.benchmarks.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.LongConsumer;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.lmdbjava.Cursor;
import org.lmdbjava.Dbi;
import org.lmdbjava.DbiFlags;
import org.lmdbjava.DirectBufferProxy;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;
import org.lmdbjava.PutFlags;
import org.lmdbjava.Txn;

/**
 * The baseline: plain lmdbjava, one database keyed by an 8-byte big-endian sequence
 * number, values put with {@code MDB_APPEND}. No envelope, no indexes, no checks: what an
 * event log on LMDB costs at the least. Single-threaded.
 */
public final class RawLmdb implements AutoCloseable {

	private final Path directory;

	private final Env<DirectBuffer> env;

	private final Dbi<DirectBuffer> log;

	private final UnsafeBuffer key = new UnsafeBuffer(ByteBuffer.allocateDirect(8));

	private long next = 1;

	private byte[] scratch = new byte[1024];

	private RawLmdb(Path directory, Env<DirectBuffer> env, Dbi<DirectBuffer> log) {
		this.directory = directory;
		this.env = env;
		this.log = log;
	}

	/**
	 * Opens a new environment.
	 * @param directory an empty directory
	 * @param sync whether each commit syncs (LMDB's default) or not ({@code MDB_NOSYNC})
	 * @return the store
	 */
	public static RawLmdb open(Path directory, boolean sync) {
		try {
			Files.createDirectories(directory);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		Env<DirectBuffer> env = Env.create(DirectBufferProxy.PROXY_DB)
			.setMapSize(256L * 1024 * 1024 * 1024)
			.setMaxDbs(64)
			.open(directory.toFile(), sync ? new EnvFlags[0] : new EnvFlags[] { EnvFlags.MDB_NOSYNC });
		Dbi<DirectBuffer> log = env.openDbi("log", DbiFlags.MDB_CREATE);
		return new RawLmdb(directory, env, log);
	}

	/**
	 * Writes zeros past the end of the data file and flushes them, so that the commits
	 * that follow overwrite allocated blocks instead of growing the file (what Varve
	 * keeps ahead of its own file for durable stores).
	 * @param bytes how many bytes of zeros
	 */
	public void zeroAhead(long bytes) {
		Path file = this.directory.resolve("data.mdb");
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
			ByteBuffer zeros = ByteBuffer.allocateDirect(1 << 20);
			long end = channel.size() + bytes;
			for (long position = channel.size(); position < end;) {
				zeros.clear();
				position += channel.write(zeros, position);
			}
			channel.force(false);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Puts values in one transaction and commits.
	 * @param values the encoded events
	 */
	public void appendBatch(byte[][] values) {
		appendBatch(values, values.length);
	}

	/**
	 * Puts the first values of an array in one transaction and commits.
	 * @param values the encoded events
	 * @param count how many to put
	 */
	public void appendBatch(byte[][] values, int count) {
		try (Txn<DirectBuffer> txn = this.env.txnWrite()) {
			for (int i = 0; i < count; i++) {
				put(txn, values[i]);
			}
			txn.commit();
		}
	}

	/**
	 * Puts one value and commits.
	 * @param value the encoded event
	 */
	public void appendOne(byte[] value) {
		try (Txn<DirectBuffer> txn = this.env.txnWrite()) {
			put(txn, value);
			txn.commit();
		}
	}

	private void put(Txn<DirectBuffer> txn, byte[] value) {
		this.key.putLong(0, this.next++, ByteOrder.BIG_ENDIAN);
		MutableDirectBuffer target = (MutableDirectBuffer) this.log.reserve(txn, this.key, value.length,
				PutFlags.MDB_APPEND);
		target.putBytes(0, value);
	}

	/**
	 * Scans the whole log in one read transaction, decoding every value into an event.
	 * @param visitor told about each decoded event
	 * @return the number of events
	 */
	public long scanDecoding(java.util.function.Consumer<ItemAdded> visitor) {
		long count = 0;
		try (Txn<DirectBuffer> txn = this.env.txnRead(); Cursor<DirectBuffer> cursor = this.log.openCursor(txn)) {
			boolean found = cursor.first();
			while (found) {
				DirectBuffer value = cursor.val();
				int length = value.capacity();
				if (this.scratch.length < length) {
					this.scratch = new byte[length * 2];
				}
				value.getBytes(0, this.scratch, 0, length);
				visitor.accept(Events.decode(this.scratch, 0, length));
				count++;
				found = cursor.next();
			}
		}
		return count;
	}

	/**
	 * Scans the whole log in one read transaction, copying every value out of the map
	 * without decoding it: the raw counterpart of a handler that reads only an event's
	 * envelope.
	 * @param visitor told the key (sequence number, from 1) of each value
	 * @return the number of values
	 */
	public long scanCopying(LongConsumer visitor) {
		long count = 0;
		try (Txn<DirectBuffer> txn = this.env.txnRead(); Cursor<DirectBuffer> cursor = this.log.openCursor(txn)) {
			boolean found = cursor.first();
			while (found) {
				DirectBuffer value = cursor.val();
				int length = value.capacity();
				if (this.scratch.length < length) {
					this.scratch = new byte[length * 2];
				}
				value.getBytes(0, this.scratch, 0, length);
				visitor.accept(cursor.key().getLong(0, ByteOrder.BIG_ENDIAN));
				count++;
				found = cursor.next();
			}
		}
		return count;
	}

	/**
	 * The fair baseline of a projecting processor: scans the log from the start, decodes
	 * each event and puts a running total of quantities per cart into a table of its own
	 * (read, add, put), committing every {@code batch} events durably (a sync after each
	 * commit), as a processor commits its projection writes with its checkpoint.
	 * @param table a new table's name
	 * @param batch events per transaction
	 * @param visitor told every decoded event, in order
	 * @return the events handled
	 */
	public long projectTotals(String table, int batch, java.util.function.Consumer<ItemAdded> visitor) {
		Dbi<DirectBuffer> totals = this.env.openDbi(table, DbiFlags.MDB_CREATE);
		UnsafeBuffer from = new UnsafeBuffer(ByteBuffer.allocateDirect(8));
		UnsafeBuffer name = new UnsafeBuffer(ByteBuffer.allocateDirect(256));
		UnsafeBuffer total = new UnsafeBuffer(ByteBuffer.allocateDirect(8));
		long count = 0;
		long next = 1;
		while (true) {
			int handled = 0;
			try (Txn<DirectBuffer> txn = this.env.txnWrite()) {
				Cursor<DirectBuffer> cursor = this.log.openCursor(txn);
				from.putLong(0, next, ByteOrder.BIG_ENDIAN);
				boolean found = cursor.get(from, org.lmdbjava.GetOp.MDB_SET_RANGE);
				while (found && handled < batch) {
					DirectBuffer value = cursor.val();
					int length = value.capacity();
					if (this.scratch.length < length) {
						this.scratch = new byte[length * 2];
					}
					value.getBytes(0, this.scratch, 0, length);
					ItemAdded item = Events.decode(this.scratch, 0, length);
					visitor.accept(item);
					int size = name.putStringWithoutLengthUtf8(0, item.cartId());
					UnsafeBuffer key = new UnsafeBuffer(name, 0, size);
					DirectBuffer stored = totals.get(txn, key);
					long sum = ((stored != null) ? stored.getLong(0) : 0L) + item.quantity();
					total.putLong(0, sum);
					totals.put(txn, key, total);
					handled++;
					next = cursor.key().getLong(0, ByteOrder.BIG_ENDIAN) + 1;
					found = cursor.next();
				}
				// A write transaction's cursor is closed before it commits.
				cursor.close();
				txn.commit();
			}
			this.env.sync(true);
			count += handled;
			if (handled < batch) {
				return count;
			}
		}
	}

	/** Number of values stored. */
	public long count() {
		return this.next - 1;
	}

	@Override
	public void close() {
		this.env.close();
	}

}

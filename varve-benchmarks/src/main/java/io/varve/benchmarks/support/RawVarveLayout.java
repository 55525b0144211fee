package io.varve.benchmarks.support;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.lmdbjava.Dbi;
import org.lmdbjava.DbiFlags;
import org.lmdbjava.DirectBufferProxy;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;
import org.lmdbjava.PutFlags;
import org.lmdbjava.Txn;

/**
 * A diagnostic baseline: plain lmdbjava doing the same storage work per event as Varve
 * (the envelope appended to the log, a (stream, version) index entry, an event-id index
 * entry, and the stream head read and rewritten per append), from one thread, with no
 * queue, no checks and no futures. Comparing Varve with it separates the cost of Varve's
 * machinery (group commit, envelopes, checks) from the cost of its storage layout.
 */
public final class RawVarveLayout implements AutoCloseable {

	/** How the (stream, version) index is kept. */
	public enum Index {

		/** One entry per event, written in the commit (Varve today). */
		PER_EVENT,

		/**
		 * One entry per append (the run of consecutive versions it wrote, which sit at
		 * consecutive positions), written in the commit.
		 */
		PER_APPEND,

		/**
		 * Not written in the durable commit: built later from the log (which holds stream
		 * and version in every envelope), outside the synced path.
		 */
		DEFERRED

	}

	private final Index indexing;

	private final boolean heads;

	private static final byte[] TYPE = "item-added".getBytes(StandardCharsets.UTF_8);

	private static final int HEAD_SIZE = 48;

	private final Env<DirectBuffer> env;

	private final Dbi<DirectBuffer> log;

	private final Dbi<DirectBuffer> index;

	private final Dbi<DirectBuffer> ids;

	private final Dbi<DirectBuffer> streams;

	// The buffers are re-wrapped to each key's length, which drops their reference to the
	// ByteBuffer: keep the memory reachable here.
	private final ByteBuffer keyMemory = ByteBuffer.allocateDirect(511);

	private final ByteBuffer valueMemory = ByteBuffer.allocateDirect(64);

	private final UnsafeBuffer key = new UnsafeBuffer(this.keyMemory);

	private final UnsafeBuffer value = new UnsafeBuffer(this.valueMemory);

	private long position;

	private long newestStream;

	private long lastIdHigh;

	private long lastIdLow;

	private long idCounter;

	private RawVarveLayout(Env<DirectBuffer> env, Index indexing, boolean heads) {
		this.env = env;
		this.indexing = indexing;
		this.heads = heads;
		this.log = env.openDbi("log", DbiFlags.MDB_CREATE);
		this.index = env.openDbi("stream-index", DbiFlags.MDB_CREATE);
		this.ids = env.openDbi("event-ids", DbiFlags.MDB_CREATE);
		this.streams = env.openDbi("streams", DbiFlags.MDB_CREATE);
	}

	/**
	 * Opens a new environment.
	 * @param directory an empty directory
	 * @param sync whether commits sync
	 * @return the store
	 */
	public static RawVarveLayout open(Path directory, boolean sync) {
		return open(directory, sync, Index.PER_EVENT);
	}

	/**
	 * Opens a new environment with a choice of stream indexing.
	 * @param directory an empty directory
	 * @param sync whether commits sync
	 * @param indexing how the stream index is kept
	 * @return the store
	 */
	public static RawVarveLayout open(Path directory, boolean sync, Index indexing) {
		return open(directory, sync, indexing, true);
	}

	/**
	 * Opens a new environment with a choice of stream indexing, and whether stream heads
	 * are written in each commit (when not, they stand for heads kept out of the durable
	 * commit and rebuilt from the log, which holds stream and version in every envelope).
	 * @param directory an empty directory
	 * @param sync whether commits sync
	 * @param indexing how the stream index is kept
	 * @param heads whether each append writes its stream head
	 * @return the store
	 */
	public static RawVarveLayout open(Path directory, boolean sync, Index indexing, boolean heads) {
		try {
			Files.createDirectories(directory);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		Env<DirectBuffer> env = Env.create(DirectBufferProxy.PROXY_DB)
			.setMapSize(256L * 1024 * 1024 * 1024)
			.setMaxDbs(4)
			.open(directory.toFile(), sync ? new EnvFlags[] { EnvFlags.MDB_NOTLS }
					: new EnvFlags[] { EnvFlags.MDB_NOTLS, EnvFlags.MDB_NOSYNC });
		return new RawVarveLayout(env, indexing, heads);
	}

	/**
	 * Writes appends in one transaction: for append {@code a}, the events
	 * {@code events[a]} go to stream {@code cart-<streams[a]>}.
	 * @param streamNumbers the stream number of each append (0 or more)
	 * @param events the events of each append
	 * @param count how many appends to write
	 */
	public void commit(int[] streamNumbers, ItemAdded[][] events, int count) {
		try (Txn<DirectBuffer> txn = this.env.txnWrite()) {
			for (int a = 0; a < count; a++) {
				append(txn, streamNumbers[a], events[a]);
			}
			txn.commit();
		}
	}

	private void append(Txn<DirectBuffer> txn, int streamNumber, ItemAdded[] events) {
		byte[] name = ("cart-" + streamNumber).getBytes(StandardCharsets.UTF_8);
		DirectBuffer head = this.streams.get(txn, bytesKey(name));
		long streamId = (head != null) ? head.getLong(0, ByteOrder.BIG_ENDIAN) : streamNumber + 1;
		long version = (head != null) ? head.getLong(8, ByteOrder.BIG_ENDIAN) : 0;
		for (ItemAdded event : events) {
			byte[] payload = Events.encode(event);
			byte[] envelope = new byte[HEAD_SIZE + TYPE.length + name.length + payload.length];
			System.arraycopy(TYPE, 0, envelope, HEAD_SIZE, TYPE.length);
			System.arraycopy(name, 0, envelope, HEAD_SIZE + TYPE.length, name.length);
			System.arraycopy(payload, 0, envelope, HEAD_SIZE + TYPE.length + name.length, payload.length);
			long at = ++this.position;
			version++;
			this.key.wrap(this.key.addressOffset(), 8);
			this.key.putLong(0, at, ByteOrder.BIG_ENDIAN);
			MutableDirectBuffer target = (MutableDirectBuffer) this.log.reserve(txn, this.key, envelope.length,
					PutFlags.MDB_APPEND);
			target.putBytes(0, envelope);
			this.value.wrap(this.value.addressOffset(), 8);
			this.value.putLong(0, at, ByteOrder.BIG_ENDIAN);
			this.key.wrap(this.key.addressOffset(), 16);
			this.key.putLong(0, streamId, ByteOrder.BIG_ENDIAN);
			this.key.putLong(8, version, ByteOrder.BIG_ENDIAN);
			boolean lastOfAppend = event == events[events.length - 1];
			if (this.indexing == Index.PER_EVENT || (this.indexing == Index.PER_APPEND && lastOfAppend)) {
				if (streamId >= this.newestStream) {
					this.index.put(txn, this.key, this.value, PutFlags.MDB_APPEND);
				}
				else {
					this.index.put(txn, this.key, this.value);
				}
			}
			UUID id = new UUID((System.currentTimeMillis() << 16) | 0x7000 | (this.idCounter++ & 0xfff),
					java.util.concurrent.ThreadLocalRandom.current().nextLong() | 0x8000000000000000L);
			this.key.putLong(0, id.getMostSignificantBits(), ByteOrder.BIG_ENDIAN);
			this.key.putLong(8, id.getLeastSignificantBits(), ByteOrder.BIG_ENDIAN);
			boolean increasing = Long.compareUnsigned(id.getMostSignificantBits(), this.lastIdHigh) > 0
					|| (id.getMostSignificantBits() == this.lastIdHigh
							&& Long.compareUnsigned(id.getLeastSignificantBits(), this.lastIdLow) > 0);
			this.ids.put(txn, this.key, this.value, increasing ? PutFlags.MDB_APPEND : PutFlags.MDB_NOOVERWRITE);
			if (increasing) {
				this.lastIdHigh = id.getMostSignificantBits();
				this.lastIdLow = id.getLeastSignificantBits();
			}
		}
		this.newestStream = Math.max(this.newestStream, streamId);
		if (!this.heads) {
			return;
		}
		this.value.wrap(this.value.addressOffset(), HEAD_SIZE);
		this.value.putLong(0, streamId, ByteOrder.BIG_ENDIAN);
		this.value.putLong(8, version, ByteOrder.BIG_ENDIAN);
		this.value.putLong(16, this.position, ByteOrder.BIG_ENDIAN);
		this.streams.put(txn, bytesKey(name), this.value);
	}

	private UnsafeBuffer bytesKey(byte[] bytes) {
		this.key.wrap(this.key.addressOffset(), bytes.length);
		this.key.putBytes(0, bytes);
		return this.key;
	}

	@Override
	public void close() {
		this.env.close();
	}

}

package io.varve.core.lmdb;

import org.agrona.DirectBuffer;
import org.lmdbjava.Cursor;
import org.lmdbjava.Txn;

/**
 * A pooled read transaction. With {@code MDB_NOTLS} a reader slot belongs to the
 * transaction, not the thread, so a transaction is reset when closed and renewed by
 * whichever thread takes it next, keeping its reader slot and cursors.
 */
final class LmdbReadTxn extends LmdbTxnBase {

	private final boolean[] cursorFresh;

	private long mapStamp;

	private boolean open;

	private long idleSince;

	LmdbReadTxn(LmdbStorageEngine engine, Txn<DirectBuffer> txn) {
		super(engine, txn);
		this.cursorFresh = new boolean[engine.dbiCount()];
	}

	@Override
	boolean writes() {
		return false;
	}

	void start(long mapStamp) {
		this.mapStamp = mapStamp;
		this.open = true;
	}

	/**
	 * When it was last given back to the pool, on the {@link System#nanoTime()} clock.
	 */
	long idleSince() {
		return this.idleSince;
	}

	void idleSince(long nanos) {
		this.idleSince = nanos;
	}

	void renew() {
		java.util.Arrays.fill(this.cursorFresh, false);
		this.txn.renew();
	}

	/**
	 * Puts a transaction whose renew failed (LMDB ended it, keeping its reader slot) back
	 * into the reset state, so that it can be renewed later.
	 * @return whether it can be pooled again
	 */
	boolean resetAfterFailedRenew() {
		try {
			this.txn.reset();
			return true;
		}
		catch (RuntimeException ex) {
			dispose();
			return false;
		}
	}

	@Override
	Cursor<DirectBuffer> cursor(int dbi) {
		Cursor<DirectBuffer> cursor = super.cursor(dbi);
		this.cursorFresh[dbi] = true;
		return cursor;
	}

	@Override
	void prepareCursor(int dbi, Cursor<DirectBuffer> cursor) {
		if (!this.cursorFresh[dbi]) {
			cursor.renew(this.txn);
		}
	}

	/** Closes the native transaction and cursors for good, when the engine closes. */
	void dispose() {
		closeCursors();
		try {
			// lmdbjava frees only a ready transaction; a reset one would leak.
			this.txn.renew();
		}
		catch (RuntimeException ex) {
			// Closed below as far as lmdbjava can.
		}
		this.txn.close();
	}

	@Override
	public void close() {
		if (!this.open) {
			return;
		}
		this.open = false;
		this.txn.reset();
		this.engine.release(this, this.mapStamp);
	}

}

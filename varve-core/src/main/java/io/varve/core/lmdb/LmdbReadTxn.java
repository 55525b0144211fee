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

	LmdbReadTxn(LmdbStorageEngine engine, Txn<DirectBuffer> txn) {
		super(engine, txn);
		this.cursorFresh = new boolean[engine.dbiCount()];
	}

	void start(long mapStamp) {
		this.mapStamp = mapStamp;
		this.open = true;
	}

	void renew() {
		this.txn.renew();
		java.util.Arrays.fill(this.cursorFresh, false);
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

package io.varve.core.storage;

import java.nio.ByteOrder;

import org.agrona.DirectBuffer;

/**
 * How many log positions hold no event because their events were deleted, kept in the
 * checkpoints table under a key that starts with a control byte (which no processor name
 * can). While it is 0 the log is gapless, so a missing position is damage; once events
 * were deleted, the count lets a full check account for every position (events stored
 * plus positions deleted equals the head).
 */
public final class DeletedPositions {

	private static final byte[] KEY = { 0x03 };

	private DeletedPositions() {
	}

	/**
	 * The count in a snapshot.
	 * @param txn the snapshot
	 * @return how many positions were deleted
	 */
	public static long count(ReadTxn txn) {
		DirectBuffer value = txn.get(AuxTable.CHECKPOINTS, KEY);
		return (value != null && value.capacity() == 8) ? value.getLong(0, ByteOrder.BIG_ENDIAN) : 0;
	}

	/**
	 * Adds to the count in a write transaction.
	 * @param txn the transaction
	 * @param deleted how many more positions were deleted
	 */
	public static void add(WriteTxn txn, long deleted) {
		if (deleted == 0) {
			return;
		}
		byte[] value = new byte[8];
		long total = count(txn) + deleted;
		for (int i = 7; i >= 0; i--) {
			value[i] = (byte) total;
			total >>>= 8;
		}
		txn.put(AuxTable.CHECKPOINTS, KEY, value);
	}

}

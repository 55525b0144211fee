package io.varve.core.processor;

import java.util.ArrayList;
import java.util.List;

import org.agrona.DirectBuffer;

import io.varve.core.codec.Envelope;
import io.varve.core.storage.AuxTable;
import io.varve.core.storage.ReadTxn;
import io.varve.core.storage.Keys;
import io.varve.processor.ParkedEvent;

/**
 * Reads of a processor's own stored state within a snapshot the caller holds.
 */
final class ProcessorTables {

	private ProcessorTables() {
	}

	/** The stored checkpoint, or -1 when the processor has none yet. */
	static long checkpoint(ReadTxn txn, String processor) {
		DirectBuffer value = txn.get(AuxTable.CHECKPOINTS, ProcessorKeys.checkpoint(processor));
		return (value != null) ? CheckpointRecord.decode(value, processor) : -1;
	}

	static long parkedCount(ReadTxn txn, String processor) {
		byte[] prefix = ProcessorKeys.parkedPrefix(processor);
		long[] count = { 0 };
		txn.scan(AuxTable.PARKED, prefix, (key, value) -> {
			if (!Keys.startsWith(key, prefix)) {
				return false;
			}
			count[0]++;
			return true;
		});
		return count[0];
	}

	static List<ParkedEvent> parked(ReadTxn txn, String processor, long afterPosition, int limit) {
		byte[] prefix = ProcessorKeys.parkedPrefix(processor);
		List<ParkedEvent> page = new ArrayList<>();
		txn.scan(AuxTable.PARKED, ProcessorKeys.parked(processor, afterPosition + 1), (key, value) -> {
			if (!Keys.startsWith(key, prefix)) {
				return false;
			}
			page.add(ParkedRecord.decode(processor, ProcessorKeys.parkedPosition(key, prefix.length), value));
			return page.size() < limit;
		});
		return page;
	}

	static ParkedEvent parkedAt(ReadTxn txn, String processor, long position) {
		DirectBuffer value = txn.get(AuxTable.PARKED, ProcessorKeys.parked(processor, position));
		return (value != null) ? ParkedRecord.decode(processor, position, value) : null;
	}

	/**
	 * Deletes the keys under a prefix from a key on, at most a number of them.
	 * @param txn the transaction
	 * @param table the table
	 * @param from the first key to look at
	 * @param prefix the prefix the keys share
	 * @param limit the most keys to delete
	 * @return how many were deleted
	 */
	static int deleteUnder(io.varve.core.storage.WriteTxn txn, AuxTable table, byte[] from, byte[] prefix, int limit) {
		List<byte[]> keys = new ArrayList<>();
		txn.scan(table, from, (key, value) -> {
			if (!Keys.startsWith(key, prefix)) {
				return false;
			}
			byte[] copy = new byte[key.capacity()];
			key.getBytes(0, copy);
			keys.add(copy);
			return keys.size() < limit;
		});
		keys.forEach((key) -> txn.delete(table, key));
		return keys.size();
	}

	/** The commit time of the event at a position, or -1 when there is none. */
	static long timestampMicros(ReadTxn txn, long position) {
		DirectBuffer envelope = txn.event(position);
		return (envelope != null) ? Envelope.timestampMicros(envelope) : -1;
	}

}

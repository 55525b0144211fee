package io.varve.core.processor;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.varve.core.storage.AuxTable;
import io.varve.core.storage.ReadTxn;
import io.varve.processor.ParkedEvent;

/**
 * The processors a store holds state for, read without registering them: for tools that
 * open a store beside its application (the {@code varve} command).
 */
public final class StoredProcessors {

	private StoredProcessors() {
	}

	/**
	 * A processor as stored.
	 *
	 * @param name its name
	 * @param checkpoint its committed checkpoint
	 * @param parked events in its dead-letter list
	 */
	public record Stored(String name, long checkpoint, long parked) {

	}

	/**
	 * Every processor with a stored checkpoint, in name order.
	 * @param txn a snapshot
	 * @return the processors
	 */
	public static List<Stored> list(ReadTxn txn) {
		List<String> names = new ArrayList<>();
		txn.scan(AuxTable.CHECKPOINTS, new byte[0], (key, value) -> {
			// Keys that start with a control byte are the table directory and rebuilds.
			if (key.capacity() > 0 && (key.getByte(0) & 0xff) >= 0x20) {
				byte[] name = new byte[key.capacity()];
				key.getBytes(0, name);
				names.add(new String(name, StandardCharsets.UTF_8));
			}
			return true;
		});
		List<Stored> stored = new ArrayList<>(names.size());
		for (String name : names) {
			stored.add(new Stored(name, ProcessorTables.checkpoint(txn, name), ProcessorTables.parkedCount(txn, name)));
		}
		return stored;
	}

	/**
	 * A page of a processor's dead-letter list.
	 * @param txn a snapshot
	 * @param processor the processor's name
	 * @param afterPosition list events after this position
	 * @param limit the most to list
	 * @return the page, in position order
	 */
	public static List<ParkedEvent> parked(ReadTxn txn, String processor, long afterPosition, int limit) {
		return ProcessorTables.parked(txn, processor, afterPosition, limit);
	}

}

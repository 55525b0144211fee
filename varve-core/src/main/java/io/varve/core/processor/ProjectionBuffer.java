package io.varve.core.processor;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;

import io.varve.core.storage.AuxTable;
import io.varve.core.storage.WriteTxn;

/**
 * Projection writes held back until the batch commits. Two layers: the writes of the
 * events already handled in this batch, and those of the event in hand, so that a failing
 * event's writes are dropped while its predecessors' stay. Reads consult the event's
 * layer, then the batch's, then the committed store.
 */
final class ProjectionBuffer {

	/** Stands for a deleted key in a layer. */
	static final byte[] DELETED = new byte[0];

	private final Map<String, TableChanges> batch = new HashMap<>();

	/**
	 * The writes of the event in hand, by table. A table's changes stay here, emptied,
	 * when the event is accepted, for the next event's writes: an empty entry that is not
	 * cleared means the same as none.
	 */
	private final Map<String, TableChanges> event = new HashMap<>();

	/** Whether the event in hand wrote anything. */
	private boolean eventWrote;

	/** Forgets the writes of the event in hand (its handler failed). */
	void discardEvent() {
		this.event.clear();
		this.eventWrote = false;
	}

	/** Drops every write of the batch, for a batch handled again from its start. */
	void clear() {
		this.batch.clear();
		discardEvent();
	}

	/** Keeps the writes of the event in hand as part of the batch. */
	void acceptEvent() {
		if (!this.eventWrote) {
			// The common case for handlers without projection writes: nothing to merge.
			return;
		}
		this.eventWrote = false;
		mergeIntoBatch(this.event);
		for (Map.Entry<String, TableChanges> layer : this.event.entrySet()) {
			TableChanges changes = layer.getValue();
			if (changes.cleared) {
				// Now the batch's own: the next event starts on fresh changes.
				layer.setValue(new TableChanges(changes.prefix));
			}
			else {
				changes.entries.clear();
			}
		}
	}

	/**
	 * Calls back with each key the batch writes (or deletes), by table; a cleared table
	 * is reported with a null key.
	 */
	void forEachWrite(java.util.function.BiConsumer<String, @Nullable String> visitor) {
		this.batch.forEach((table, changes) -> {
			if (changes.cleared) {
				visitor.accept(table, null);
			}
			changes.entries.keySet().forEach((key) -> visitor.accept(table, key));
		});
	}

	/**
	 * Takes in the batch writes of another buffer, which touch none of this one's keys.
	 * @param other the other buffer, whose event in hand is accepted
	 */
	void absorb(ProjectionBuffer other) {
		mergeIntoBatch(other.batch);
	}

	/**
	 * Lays changes over the batch's: a cleared table's replace them (taken as they are),
	 * others add to them; empty ones (an event layer's tables the event did not write)
	 * change nothing.
	 */
	private void mergeIntoBatch(Map<String, TableChanges> layer) {
		for (Map.Entry<String, TableChanges> table : layer.entrySet()) {
			TableChanges changes = table.getValue();
			if (changes.cleared) {
				this.batch.put(table.getKey(), changes);
			}
			else if (!changes.entries.isEmpty()) {
				TableChanges into = this.batch.get(table.getKey());
				if (into == null) {
					into = new TableChanges(changes.prefix);
					this.batch.put(table.getKey(), into);
				}
				into.entries.putAll(changes.entries);
			}
		}
	}

	/** The tables the batch writes. */
	java.util.Set<String> tables() {
		return this.batch.keySet();
	}

	/** Whether the batch holds writes (accepted ones). */
	boolean isEmpty() {
		return this.batch.isEmpty();
	}

	/**
	 * Writes a key in the event in hand.
	 * @return the value this write hides from the handler (the event's or the batch's
	 * earlier write of the key), or null
	 */
	byte @Nullable [] put(String table, byte[] prefix, String key, byte[] fullKey, byte[] value) {
		TableChanges changes = changes(table, prefix);
		Entry replaced = changes.entries.put(key, new Entry(fullKey, value));
		if (replaced != null) {
			return replaced.value;
		}
		return changes.cleared ? null : lookup(this.batch.get(table), key);
	}

	void delete(String table, byte[] prefix, String key, byte[] fullKey) {
		changes(table, prefix).entries.put(key, new Entry(fullKey, DELETED));
	}

	void clear(String table, byte[] prefix) {
		TableChanges cleared = new TableChanges(prefix);
		cleared.cleared = true;
		this.event.put(table, cleared);
		this.eventWrote = true;
	}

	private TableChanges changes(String table, byte[] prefix) {
		this.eventWrote = true;
		TableChanges changes = this.event.get(table);
		if (changes == null) {
			changes = new TableChanges(prefix);
			this.event.put(table, changes);
		}
		return changes;
	}

	/**
	 * What the buffer knows of a key.
	 * @return the value, {@link #DELETED} when deleted or cleared here, or null when the
	 * committed store decides
	 */
	byte[] lookup(String table, String key) {
		byte[] found = lookup(this.event.get(table), key);
		return (found != null) ? found : lookup(this.batch.get(table), key);
	}

	private static byte @Nullable [] lookup(TableChanges changes, String key) {
		if (changes == null) {
			return null;
		}
		Entry entry = changes.entries.get(key);
		if (entry != null) {
			return entry.value;
		}
		return changes.cleared ? DELETED : null;
	}

	/** Whether the committed entries of a table are hidden by a clear in the buffer. */
	boolean hidesCommitted(String table) {
		TableChanges event = this.event.get(table);
		TableChanges batch = this.batch.get(table);
		return (event != null && event.cleared) || (batch != null && batch.cleared);
	}

	/**
	 * The buffered entries of a table after a key, the event's layer over the batch's,
	 * deletions included as {@link #DELETED}.
	 */
	TreeMap<String, byte[]> entriesAfter(String table, String afterKey) {
		TreeMap<String, byte[]> merged = new TreeMap<>(ProcessorKeys::compareKeys);
		TableChanges event = this.event.get(table);
		if (event == null || !event.cleared) {
			addAfter(merged, this.batch.get(table), afterKey);
		}
		addAfter(merged, event, afterKey);
		return merged;
	}

	private static void addAfter(TreeMap<String, byte[]> merged, TableChanges changes, String afterKey) {
		if (changes == null) {
			return;
		}
		changes.entries.forEach((key, entry) -> {
			if (afterKey == null || ProcessorKeys.compareKeys(key, afterKey) > 0) {
				merged.put(key, entry.value);
			}
		});
	}

	/**
	 * Writes the batch's changes in a write transaction.
	 * @param txn the transaction
	 */
	void applyTo(WriteTxn txn) {
		this.batch.values().forEach((changes) -> {
			if (changes.cleared) {
				txn.deletePrefix(AuxTable.PROJECTIONS, changes.prefix);
			}
			// Hashed while the batch is handled, written in key order: neighbours in the
			// tree are written together.
			List<Map.Entry<String, Entry>> sorted = new ArrayList<>(changes.entries.entrySet());
			sorted.sort((x, y) -> ProcessorKeys.compareKeys(x.getKey(), y.getKey()));
			sorted.forEach((keyed) -> {
				Entry entry = keyed.getValue();
				if (entry.value == DELETED) {
					if (!changes.cleared) {
						txn.delete(AuxTable.PROJECTIONS, entry.fullKey);
					}
				}
				else {
					txn.put(AuxTable.PROJECTIONS, entry.fullKey, entry.value);
				}
			});
		});
	}

	/** Approximate bytes written, for sizing the writer's groups. */
	long byteSize() {
		long size = 0;
		for (TableChanges changes : this.batch.values()) {
			for (Entry entry : changes.entries.values()) {
				size += entry.fullKey.length + entry.value.length;
			}
		}
		return size;
	}

	private static final class TableChanges {

		private final byte[] prefix;

		private final Map<String, Entry> entries = new HashMap<>();

		private boolean cleared;

		TableChanges(byte[] prefix) {
			this.prefix = prefix;
		}

	}

	private record Entry(byte[] fullKey, byte[] value) {

	}

}

package io.varve.core.processor;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.concurrent.ConcurrentHashMap;

import org.agrona.DirectBuffer;
import org.jspecify.annotations.Nullable;

import io.varve.CorruptDataException;
import io.varve.core.storage.AuxTable;
import io.varve.core.storage.Keys;
import io.varve.core.storage.ReadTxn;
import io.varve.core.storage.WriteTxn;

/**
 * The directory of projection tables: which processor owns each table (the first that
 * wrote it) and which of its two generations is live. A rebuild fills the other
 * generation and switches the directory entry in the transaction that makes it live (see
 * {@link ProjectionRebuild}).
 * <p>
 * Entries live in the checkpoints table under keys that start with a control byte, which
 * no processor name can: {@code 0x01} and the table name, valued with the generation (one
 * byte) and the owner's name. A table without an entry is at generation 0, the layout of
 * stores written before rebuilds existed.
 * <p>
 * Writers (handlers) take the generation from memory: it changes only in a rebuild's
 * switch, which runs while the owning processor is between batches. Queries read it in
 * their own snapshot, so that a query never pairs a generation with a snapshot in which
 * that generation was already dropped.
 */
final class ProjectionTables {

	private static final byte DIRECTORY = 0x01;

	/** Tables whose stored entry has been seen (or written by a switch), by name. */
	private final Map<String, Entry> known = new ConcurrentHashMap<>();

	/**
	 * The key prefixes of both generations of the tables handlers use, by name: checking
	 * a name and encoding it cost more than a handler's look-up of a running total.
	 */
	private final Map<String, byte[][]> prefixes = new ConcurrentHashMap<>();

	/** Bounds {@link #prefixes} for handlers that make up table names as they go. */
	private static final int MAX_CACHED_PREFIXES = 4096;

	/**
	 * A table's directory entry.
	 *
	 * @param generation the live generation, 0 or 1
	 * @param owner the processor that owns the table
	 */
	record Entry(int generation, String owner) {

	}

	/** Reads every directory entry, when the processors of a store are created. */
	void load(ReadTxn txn) {
		this.known.clear();
		scan(txn, this.known::put);
	}

	/** The key prefix handlers write a table under: its live generation's. */
	byte[] prefix(String table) {
		Entry entry = this.known.get(table);
		return prefix(table, (entry != null) ? entry.generation() : 0);
	}

	/** The live generation's key prefix as of a snapshot, for queries. */
	byte[] prefix(ReadTxn txn, String table) {
		Entry entry = entry(txn, table);
		return prefix(table, (entry != null) ? entry.generation() : 0);
	}

	/**
	 * A generation's key prefix, checking the table name the first time.
	 * @param table the table name
	 * @param generation 0 or 1
	 * @return the prefix, shared: callers copy it and never change it
	 * @throws io.varve.InvalidArgumentException if the name is not valid
	 */
	byte[] prefix(String table, int generation) {
		byte[][] both = this.prefixes.get(table);
		if (both == null) {
			both = new byte[][] { ProcessorKeys.tablePrefix(table, 0), ProcessorKeys.tablePrefix(table, 1) };
			if (this.prefixes.size() >= MAX_CACHED_PREFIXES) {
				this.prefixes.clear();
			}
			this.prefixes.put(table, both);
		}
		return both[generation];
	}

	/** The tables a processor owns, as of a snapshot. */
	static Map<String, Entry> ownedBy(ReadTxn txn, String processor) {
		Map<String, Entry> owned = new TreeMap<>();
		scan(txn, (table, entry) -> {
			if (entry.owner().equals(processor)) {
				owned.put(table, entry);
			}
		});
		return owned;
	}

	/**
	 * Records in a processor's commit that it owns the tables it writes, for tables that
	 * have no entry yet. Runs on the writer's thread.
	 * @param txn the commit's transaction
	 * @param tables the tables the commit writes
	 * @param processor the processor
	 */
	void recordOwner(WriteTxn txn, Iterable<String> tables, String processor) {
		for (String table : tables) {
			if (this.known.containsKey(table)) {
				continue;
			}
			Entry stored = entry(txn, table);
			if (stored != null) {
				// Seen from now on without a look-up; a first entry written below is seen
				// by the next commit, once it is surely stored.
				this.known.put(table, stored);
			}
			else {
				put(txn, table, new Entry(0, processor));
			}
		}
	}

	/** Writes a directory entry in a transaction. */
	static void put(WriteTxn txn, String table, Entry entry) {
		byte[] owner = entry.owner().getBytes(StandardCharsets.UTF_8);
		byte[] value = new byte[1 + owner.length];
		value[0] = (byte) entry.generation();
		System.arraycopy(owner, 0, value, 1, owner.length);
		txn.put(AuxTable.CHECKPOINTS, key(table), value);
	}

	/** Takes the entries a committed switch wrote. */
	void switched(Map<String, Entry> live) {
		this.known.putAll(live);
	}

	static @Nullable Entry entry(ReadTxn txn, String table) {
		DirectBuffer value = txn.get(AuxTable.CHECKPOINTS, key(table));
		return (value != null) ? decode(value, table) : null;
	}

	private static void scan(ReadTxn txn, BiConsumer<String, Entry> visitor) {
		byte[] prefix = { DIRECTORY };
		txn.scan(AuxTable.CHECKPOINTS, prefix, (key, value) -> {
			if (!Keys.startsWith(key, prefix)) {
				return false;
			}
			byte[] name = new byte[key.capacity() - 1];
			key.getBytes(1, name);
			String table = new String(name, StandardCharsets.UTF_8);
			visitor.accept(table, decode(value, table));
			return true;
		});
	}

	private static byte[] key(String table) {
		byte[] name = table.getBytes(StandardCharsets.UTF_8);
		byte[] key = new byte[name.length + 1];
		key[0] = DIRECTORY;
		System.arraycopy(name, 0, key, 1, name.length);
		return key;
	}

	private static Entry decode(DirectBuffer value, String table) {
		int generation = (value.capacity() > 0) ? value.getByte(0) : -1;
		if (generation != 0 && generation != 1) {
			throw new CorruptDataException("The store file is damaged: the directory entry of projection table '"
					+ table + "' names generation " + generation + ". Restore the store from a backup");
		}
		byte[] owner = new byte[value.capacity() - 1];
		value.getBytes(1, owner);
		return new Entry(generation, new String(owner, StandardCharsets.UTF_8));
	}

}

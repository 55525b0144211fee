package io.varve.core.processor;

import java.util.HashSet;
import java.util.Set;

/**
 * The projection keys and tables one thread of a parallel batch read, to tell whether its
 * work depended on another thread's.
 */
final class ReadSet {

	private final Set<String> keys = new HashSet<>();

	private final Set<String> tables = new HashSet<>();

	void key(String table, String key) {
		this.keys.add(id(table, key));
	}

	/** A read of a whole table (a listing). */
	void table(String table) {
		this.tables.add(table);
	}

	boolean readKey(String table, String key) {
		return this.tables.contains(table) || this.keys.contains(id(table, key));
	}

	/** Whether it read anything of a table, for a table another thread cleared. */
	boolean readTable(String table) {
		if (this.tables.contains(table)) {
			return true;
		}
		String prefix = table + '\0';
		return this.keys.stream().anyMatch((key) -> key.startsWith(prefix));
	}

	private static String id(String table, String key) {
		return table + '\0' + key;
	}

}

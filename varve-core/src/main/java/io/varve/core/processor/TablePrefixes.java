package io.varve.core.processor;

/**
 * Where a handler's projection tables are: the live generation for a running processor,
 * the generation being filled for a rebuild.
 */
@FunctionalInterface
interface TablePrefixes {

	/**
	 * The key prefix of a table, checking its name.
	 * @param table the table name
	 * @return the prefix
	 * @throws io.varve.InvalidArgumentException if the name is not valid, or the table
	 * may not be written here
	 */
	byte[] prefix(String table);

	/**
	 * The key prefix a table is read under; the one it is written under unless a rebuild
	 * reads another processor's table, which it sees live.
	 * @param table the table name
	 * @return the prefix
	 */
	default byte[] readPrefix(String table) {
		return prefix(table);
	}

}

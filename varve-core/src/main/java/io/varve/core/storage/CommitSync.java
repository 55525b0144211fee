package io.varve.core.storage;

/**
 * What a storage engine flushes to the device when it commits a write transaction. The
 * durability policy ({@code io.varve.core.durability}) chooses it; the engine only
 * carries it out.
 */
public enum CommitSync {

	/** The data pages, then the commit record: a commit survives a power loss. */
	DATA_AND_COMMIT_RECORD,

	/**
	 * The data pages only: a power loss may undo the last commit, never damage the store.
	 */
	DATA_ONLY,

	/** Nothing: the operating system writes the pages back when it chooses. */
	NONE

}

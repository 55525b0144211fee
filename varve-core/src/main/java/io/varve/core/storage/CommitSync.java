package io.varve.core.storage;

/**
 * Whether a commit is durable when it returns: the durability policy
 * ({@code io.varve.core.durability}) chooses it; the engine carries it out.
 */
public enum CommitSync {

	/**
	 * Each commit is flushed to the device (the journal's record: one flush) before it
	 * returns.
	 */
	FLUSH,

	/**
	 * Commits are not flushed, and skip the journal: the operating system writes the
	 * pages back when it likes, and the periodic sync flushes them.
	 */
	NONE

}

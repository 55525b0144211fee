package io.varve;

/**
 * How far an acknowledged append is guaranteed to survive a crash.
 *
 * <pre>{@code
 * Varve varve = Varve.builder().path(dir).durability(Durability.NO_META_SYNC).open();
 * }</pre>
 */
public enum Durability {

	/**
	 * An acknowledged append is on disk: it survives a process crash, an OS crash and a
	 * power loss. Each group of appends is one journal record, flushed once (one device
	 * flush) before the append returns; LMDB's tables take the groups in batches without
	 * a flush of their own, and a checkpoint flushes them about once a second. The
	 * default.
	 */
	SYNC,

	/**
	 * The same as {@link #SYNC} since Varve writes a journal (it was LMDB's one-flush
	 * commit, which an OS crash could undo); kept so that configurations naming it keep
	 * working.
	 */
	NO_META_SYNC,

	/**
	 * No sync on commit: an acknowledged append survives a process crash (the OS holds
	 * the pages), but an OS crash or power loss may lose recent commits and, because
	 * pages can reach the disk out of order, may damage the store so that it must be
	 * restored from a backup. Pair with a sync interval to bound that window. For
	 * rebuildable data and benchmarks.
	 */
	NO_SYNC

}

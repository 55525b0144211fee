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
	 * power loss. Each group commit syncs twice (data, then the commit record). The
	 * default.
	 */
	SYNC,

	/**
	 * One sync per group commit: the data is synced but the commit record is not, so an
	 * OS crash or power loss may undo the last commit (never corrupt the store). A
	 * process crash loses nothing.
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

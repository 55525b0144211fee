package io.varve.core.lmdb;

import java.lang.System.Logger.Level;

import org.agrona.DirectBuffer;
import org.jspecify.annotations.Nullable;
import org.lmdbjava.EnvInfo;

/**
 * The size of a store's map and of the data in its file: growing the map when it fills,
 * adopting the size another process grew it to, and checking lengths read from the file
 * against the data it holds before anything is sized by them.
 */
final class MapBounds {

	private static final System.Logger LOGGER = System.getLogger(MapBounds.class.getName());

	private final LmdbStorageEngine engine;

	/** The map size; changed only under the exclusive map guard. */
	private volatile long mapSize;

	/**
	 * The data in the file as last seen: only grows, refreshed when a value exceeds it.
	 */
	private volatile long dataBytes;

	/** Runs before the map guard is taken to grow the map (tests only). */
	private volatile @Nullable Runnable beforeGrow;

	/**
	 * What is wrong with the length of a value LMDB returned, if anything. A length is
	 * read from the file, so before anything is sized by it, it must fit the data the
	 * file holds (for a write transaction, which may read pages it has not written yet,
	 * the map).
	 * @param value the value
	 * @param inWrite whether a write transaction read it
	 * @return the problem, or null
	 */
	@Nullable String lengthProblem(DirectBuffer value, boolean inWrite) {
		long length = value.capacity();
		long bound = inWrite ? this.mapSize : this.dataBytes;
		if (length >= 0 && length <= bound) {
			return null;
		}
		if (length >= 0 && !inWrite) {
			// The writer may have added data since: look again.
			EnvInfo info = this.engine.env().info();
			bound = (info.lastPageNumber + 1) * this.engine.env().stat().pageSize;
			this.dataBytes = bound;
			if (length <= bound) {
				return null;
			}
		}
		return "its length of " + length + " bytes does not fit the " + bound + " bytes of data in the file";
	}

	/**
	 * Adopts the larger map the writing process grew to (read-only stores); waits for
	 * this process's snapshots to end first.
	 */
	void adoptWriterMapSize() {
		long stamp = this.engine.mapGuard().exclusive("adopt the writer's larger map");
		try {
			this.engine.checkOpen();
			this.engine.env().setMapSize(0);
			this.mapSize = this.engine.env().info().mapSize;
		}
		catch (RuntimeException ex) {
			throw LmdbErrors.translate(ex, "adopt the writer's map size", this.engine.directory());
		}
		finally {
			this.engine.mapGuard().releaseExclusive(stamp);
		}
	}

	/**
	 * Grows the map: doubles it up to the maximum; at the maximum, a journaled store
	 * first takes a checkpoint to release the pages its pin held.
	 * @param maxMapSize the largest map
	 * @param journaled whether the store has a journal (and checkpoints)
	 * @return whether the write should be tried again
	 */
	boolean grow(long maxMapSize, boolean journaled) {
		// Only the committing thread (under the writer's lock) changes the map size here,
		// so reading it is safe.
		long current = this.engine.env().info().mapSize;
		long max = LmdbEnvironment.align(maxMapSize);
		if (current >= max) {
			// Pages freed since the last checkpoint stay pinned until the next one: take
			// it,
			// and the write is tried again in the space it frees.
			return journaled && this.engine.checkpoints().checkpointIfBehind();
		}
		long next = Math.min(max, LmdbEnvironment.align(current * 2));
		Runnable hook = this.beforeGrow;
		if (hook != null) {
			hook.run();
		}
		long stamp = this.engine.mapGuard().exclusive("grow the map");
		try {
			this.engine.checkOpen();
			this.engine.env().setMapSize(next);
			this.mapSize = this.engine.env().info().mapSize;
		}
		catch (RuntimeException ex) {
			throw LmdbErrors.translate(ex, "grow the map to " + next + " bytes", this.engine.directory());
		}
		finally {
			this.engine.mapGuard().releaseExclusive(stamp);
		}
		LOGGER.log(Level.DEBUG,
				() -> "Grew the map of Varve store " + this.engine.directory() + " to " + next + " bytes");
		return true;
	}

	/**
	 * Runs a hook each time the map is about to grow, before the map guard is taken
	 * (tests only).
	 * @param hook the hook, or null for none
	 */
	void beforeGrow(@Nullable Runnable hook) {
		this.beforeGrow = hook;
	}

	MapBounds(LmdbStorageEngine engine, long mapSize, long dataBytes) {
		this.engine = engine;
		this.mapSize = mapSize;
		this.dataBytes = dataBytes;
	}

}

package io.varve.core.lmdb;

import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.StampedLock;

import io.varve.VarveException;

/**
 * Guards the memory map of an environment. LMDB replaces the map when its size changes
 * (growth in the writing process, adopting the writer's new size in a read-only one), and
 * the caller must make sure nothing in the process uses the map meanwhile: a reader still
 * walking the old map would read unmapped memory and crash the JVM. Everything that
 * touches the map (snapshots, backups, statistics, sync, close) holds the guard shared; a
 * map change holds it exclusively.
 *
 * <p>
 * A map change waits for every open snapshot, and new snapshots queue behind it so it
 * cannot starve. Varve's reads are short, but a backup holds its snapshot for the whole
 * copy, so the wait has no deadline; it logs a warning every few seconds instead, which
 * makes a forgotten snapshot visible.
 */
final class MapGuard {

	private static final System.Logger LOG = System.getLogger(MapGuard.class.getName());

	static final long WARN_EVERY_SECONDS = 10;

	private final StampedLock lock = new StampedLock();

	private final Path directory;

	MapGuard(Path directory) {
		this.directory = directory;
	}

	/**
	 * Holds the map shared.
	 * @return the stamp to hand back to {@link #releaseShared(long)}
	 */
	long shared() {
		return this.lock.readLock();
	}

	/**
	 * Holds the map shared if that needs no wait.
	 * @return the stamp, or 0 when the map is held exclusively or about to be
	 */
	long tryShared() {
		return this.lock.tryReadLock();
	}

	void releaseShared(long stamp) {
		this.lock.unlockRead(stamp);
	}

	/**
	 * Holds the map exclusively, once every shared holder has let go.
	 * @param what what the caller is about to do, for the log
	 * @return the stamp to hand back to {@link #releaseExclusive(long)}
	 */
	long exclusive(String what) {
		long waited = 0;
		try {
			long stamp;
			while ((stamp = this.lock.tryWriteLock(WARN_EVERY_SECONDS, TimeUnit.SECONDS)) == 0) {
				waited += WARN_EVERY_SECONDS;
				LOG.log(Level.WARNING,
						"Varve store " + this.directory + " has waited " + waited
								+ " s for open read snapshots (or a backup) to finish before it can " + what
								+ "; a snapshot held open for long, or a read made while holding one, delays it");
			}
			return stamp;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new VarveException("Interrupted while waiting to " + what + " of the Varve store at " + this.directory
					+ "; nothing was changed", ex);
		}
	}

	void releaseExclusive(long stamp) {
		this.lock.unlockWrite(stamp);
	}

}

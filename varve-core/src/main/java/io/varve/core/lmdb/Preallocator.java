package io.varve.core.lmdb;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import com.sun.nio.file.ExtendedOpenOption;

import io.varve.VarveClosedException;
import io.varve.core.storage.DiskSpace;
import io.varve.core.storage.StorageStats;
import io.varve.core.util.Threads;

/**
 * Keeps zero-filled space ahead of the end of the data file, so that durable commits
 * overwrite blocks the file system has already allocated instead of extending the file.
 *
 * <p>
 * A commit that extends the file changes its size and allocates blocks, so on ext4 and
 * XFS {@code fdatasync} must also commit the file system's journal: one more wait for the
 * device on every commit that grows the log, which with group commit is nearly every
 * commit. Overwriting blocks that already hold zeros changes no metadata, and the flush
 * writes the pages alone (PostgreSQL zero-fills its WAL segments for the same reason).
 *
 * <p>
 * A daemon thread writes zeros past the end of the file with direct I/O (the zeros do not
 * pass through the page cache, so no commit's flush has to write them), in chunks of
 * {@value #CHUNK} bytes. It writes each chunk holding the write permit, which every write
 * transaction holds from its start to its end: LMDB writes pages only inside a write
 * transaction, and the zeros go only past the file's size as it is while the permit is
 * held, so the two never write the same bytes. LMDB never reads past its last page, so
 * the zeros are not part of the store; a store copied or reopened without them is the
 * same store.
 *
 * <p>
 * On a full file system it adds no zeros until there is room again (LMDB writes into
 * those already there, and the commit that finds no room fails as
 * {@link io.varve.DiskFullException}), then carries on.
 *
 * <p>
 * It runs only where it pays: on file systems that overwrite blocks in place (ext4, XFS;
 * not copy-on-write ones such as btrfs or ZFS, nor tmpfs), for durabilities that flush on
 * commit, and where the platform offers direct I/O. Anywhere else the permit is all that
 * is left of it.
 */
final class Preallocator {

	private static final System.Logger LOGGER = System.getLogger(Preallocator.class.getName());

	/** Bytes of zeros written at a time, holding the write permit. */
	static final int CHUNK = 64 * 1024;

	/** Zeros kept ahead of a small store. */
	static final long MIN_AHEAD = 256 * 1024;

	/** Zeros kept ahead of a large store. */
	static final long MAX_AHEAD = 16 * 1024 * 1024;

	/** File systems that overwrite allocated blocks in place. */
	private static final Set<String> IN_PLACE_FILE_SYSTEMS = Set.of("ext4", "ext3", "xfs");

	private static final long BUSY_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

	private static final long IDLE_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

	private static final long FULL_PAUSE_NANOS = TimeUnit.SECONDS.toNanos(1);

	private static final long PERMIT_WAIT_MILLIS = 20;

	// Fair: a writer waiting for the permit gets it before the next chunk of zeros.
	private final Semaphore permit = new Semaphore(1, true);

	private volatile Thread running;

	private volatile boolean stopped;

	private final CountDownLatch firstFill = new CountDownLatch(1);

	private long fills;

	/**
	 * Starts keeping zeros ahead of a store's data file where that pays, and otherwise
	 * gives a preallocator that only hands out the write permit.
	 * @param engine the engine whose file it is
	 * @param dataFile the data file
	 * @param flushesOnCommit whether the store is written and its commits flush to the
	 * device
	 * @return the preallocator
	 */
	static Preallocator start(LmdbStorageEngine engine, Path dataFile, boolean flushesOnCommit) {
		Preallocator preallocator = new Preallocator();
		Zeros zeros = flushesOnCommit ? Zeros.open(dataFile) : null;
		if (zeros != null) {
			Thread thread = new Thread(() -> preallocator.run(engine, zeros),
					"varve-preallocate[" + dataFile.getParent().getFileName() + "]");
			thread.setDaemon(true);
			preallocator.running = thread;
			thread.start();
		}
		return preallocator;
	}

	/** Whether a thread keeps zeros ahead of the file. */
	boolean active() {
		return this.running != null;
	}

	/**
	 * Waits until the thread has filled the space ahead of the file once.
	 * @param timeoutMillis the most to wait
	 * @return whether it has
	 * @throws InterruptedException if interrupted while waiting
	 */
	boolean awaitFirstFill(long timeoutMillis) throws InterruptedException {
		return this.firstFill.await(timeoutMillis, TimeUnit.MILLISECONDS);
	}

	/**
	 * Waits until the thread has filled the space ahead of the file after a number of
	 * fills (for tests).
	 * @param after the fills seen so far, from {@link #fills()}
	 * @param timeoutMillis the most to wait
	 * @return whether it has filled again
	 * @throws InterruptedException if interrupted while waiting
	 */
	synchronized boolean awaitFill(long after, long timeoutMillis) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
		while (this.fills <= after) {
			long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
			if (left <= 0) {
				return false;
			}
			wait(left);
		}
		return true;
	}

	/** How many times the thread has filled the space ahead of the file. */
	synchronized long fills() {
		return this.fills;
	}

	private synchronized void filled() {
		this.fills++;
		this.firstFill.countDown();
		notifyAll();
	}

	/** Taken by a write transaction when it begins. */
	void beginWrite() {
		this.permit.acquireUninterruptibly();
	}

	/**
	 * Takes the permit for a chunk of zeros, waiting a little at most, so that stopping
	 * never waits on a write transaction.
	 * @return whether it was taken
	 */
	private boolean tryPermit() {
		try {
			return this.permit.tryAcquire(PERMIT_WAIT_MILLIS, TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			this.stopped = true;
			return false;
		}
	}

	/** Given back by a write transaction when it ends, committed or not. */
	void endWrite() {
		this.permit.release();
	}

	private void run(LmdbStorageEngine engine, Zeros zeros) {
		try (zeros) {
			boolean full = false;
			while (!this.stopped) {
				try {
					StorageStats stats = engine.currentStats();
					long used = stats.usedBytes();
					long ahead = ahead(used);
					long target = Math.min(stats.mapSize(), used + ahead);
					if (zeros.size() < used + ahead / 2 && zeros.fill(target, this)) {
						zeros.flush();
						filled();
						LockSupport.parkNanos(this, BUSY_PAUSE_NANOS);
					}
					else {
						LockSupport.parkNanos(this, IDLE_PAUSE_NANOS);
					}
					full = false;
				}
				catch (IOException ex) {
					if (!DiskSpace.isFull(zeros.file)) {
						throw ex;
					}
					// LMDB writes into the zeros already there, and past them as the file
					// system allows; more zeros wait until there is room again.
					if (!full) {
						LOGGER.log(Level.INFO, () -> "Varve keeps no more zeroed space ahead of " + zeros.file
								+ " until its file system has room again: " + ex);
					}
					full = true;
					LockSupport.parkNanos(this, FULL_PAUSE_NANOS);
				}
			}
		}
		catch (VarveClosedException ex) {
			// The store closed under us: nothing more to do.
		}
		catch (IOException | RuntimeException ex) {
			LOGGER.log(Level.INFO, () -> "Varve stopped keeping zeroed space ahead of " + zeros.file
					+ "; commits that grow the file may be slower: " + ex);
		}
	}

	/** How far ahead of a store of this size to keep zeros: a quarter of it, bounded. */
	static long ahead(long used) {
		return Math.max(MIN_AHEAD, Math.min(MAX_AHEAD, used / 4));
	}

	/** Stops the thread and waits for it (it finishes the chunk it is writing). */
	void stop() {
		this.stopped = true;
		Thread thread = this.running;
		if (thread == null) {
			return;
		}
		LockSupport.unpark(thread);
		Threads.joinUninterruptibly(thread);
	}

	/** The data file opened for direct writes past its end. */
	private static final class Zeros implements AutoCloseable {

		private final Path file;

		private final FileChannel channel;

		private final int blockSize;

		private final ByteBuffer chunk;

		private Zeros(Path file, FileChannel channel, int blockSize) {
			this.file = file;
			this.channel = channel;
			this.blockSize = blockSize;
			this.chunk = ByteBuffer.allocateDirect(CHUNK + blockSize).alignedSlice(blockSize);
		}

		/** Opens the file for direct writes, or gives null where that would not pay. */
		static Zeros open(Path file) {
			try {
				FileStore store = Files.getFileStore(file);
				if (!IN_PLACE_FILE_SYSTEMS.contains(store.type().toLowerCase(Locale.ROOT))) {
					return null;
				}
				long blockSize = store.getBlockSize();
				if (blockSize <= 0 || blockSize > CHUNK || CHUNK % blockSize != 0) {
					return null;
				}
				OpenOption[] options = { StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT };
				return new Zeros(file, FileChannel.open(file, options), (int) blockSize);
			}
			catch (IOException | UnsupportedOperationException ex) {
				LOGGER.log(Level.DEBUG, () -> "No zeroed space ahead of " + file + ": " + ex);
				return null;
			}
		}

		long size() throws IOException {
			return this.channel.size();
		}

		/**
		 * Writes zeros from the end of the file up to a target, a chunk at a time, each
		 * holding the write permit.
		 * @return whether anything was written
		 */
		boolean fill(long target, Preallocator owner) throws IOException {
			boolean wrote = false;
			while (!owner.stopped) {
				if (!owner.tryPermit()) {
					continue;
				}
				try {
					// Direct writes start on a block: a file left unaligned (a write the
					// full disk cut short) gets its zeros from the next block on.
					long end = this.channel.size();
					long start = end + ((this.blockSize - end % this.blockSize) % this.blockSize);
					long length = Math.min(CHUNK, target - start);
					length -= length % this.blockSize;
					if (length <= 0) {
						return wrote;
					}
					this.chunk.clear().limit((int) length);
					long position = start;
					while (this.chunk.hasRemaining()) {
						position += this.channel.write(this.chunk, position);
					}
					wrote = true;
				}
				finally {
					owner.permit.release();
				}
			}
			return wrote;
		}

		/** Makes the file's new size durable now, not in the next commit's flush. */
		void flush() throws IOException {
			this.channel.force(false);
		}

		@Override
		public void close() throws IOException {
			this.channel.close();
		}

	}

}

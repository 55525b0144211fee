package io.varve.core.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import io.varve.StorageException;
import io.varve.StoreLockedException;
import io.varve.StorePathException;

/**
 * Makes sure one store directory is open at most once in this JVM, and open for writing
 * by at most one process. Two LMDB environments on one file in one process are unsafe
 * (closing one drops the other's POSIX locks), and two writing processes would fight over
 * the map size, so both are refused up front with a clear message.
 */
public final class StoreLock implements AutoCloseable {

	/** Name of the lock file in the store directory. */
	public static final String FILE_NAME = "varve.lock";

	private static final Map<Path, String> OPEN_IN_THIS_JVM = new HashMap<>();

	private final Path directory;

	private final FileChannel channel;

	private final FileLock lock;

	private boolean released;

	private StoreLock(Path directory, FileChannel channel, FileLock lock) {
		this.directory = directory;
		this.channel = channel;
		this.lock = lock;
	}

	/**
	 * Claims a store directory.
	 * @param directory the directory, which must exist
	 * @param readOnly whether the store is opened read-only (no cross-process lock is
	 * taken)
	 * @param groupAccess whether the owner's group may read the store (the mode of a new
	 * lock file)
	 * @return the claim; close it after the engine is closed
	 * @throws StoreLockedException if the directory is open in this JVM, or open for
	 * writing by another process
	 */
	public static StoreLock acquire(Path directory, boolean readOnly, boolean groupAccess) {
		Path key = canonical(directory);
		synchronized (OPEN_IN_THIS_JVM) {
			String owner = OPEN_IN_THIS_JVM.get(key);
			if (owner != null) {
				throw new StoreLockedException("The Varve store at " + key + " is already open in this JVM (" + owner
						+ "); share that Varve instance instead of opening the directory again");
			}
			FileChannel channel = null;
			FileLock lock = null;
			if (!readOnly) {
				Path file = key.resolve(FILE_NAME);
				try {
					boolean created = !Files.exists(file);
					channel = FileChannel.open(file,
							Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE),
							StoreDirectory.fileAttributes(key, groupAccess));
					if (created) {
						StoreDirectory.restrict(file, groupAccess, false);
					}
					lock = channel.tryLock();
					if (lock == null) {
						String pid = readOwner(channel);
						channel.close();
						throw new StoreLockedException("The Varve store at " + key
								+ " is open for writing by another process"
								+ ((pid.isEmpty()) ? "" : " (pid " + pid + ")")
								+ "; stop that process first, or open the store with Varve.openReadOnly(path) to inspect it");
					}
					byte[] pid = Long.toString(ProcessHandle.current().pid()).getBytes(StandardCharsets.US_ASCII);
					channel.truncate(0);
					channel.write(ByteBuffer.wrap(pid), 0);
				}
				catch (AccessDeniedException ex) {
					closeQuietly(channel);
					throw new StorePathException(directory,
							"Cannot lock the Varve store at " + key + ": this process " + "(user "
									+ StoreDirectory.user() + ") may not write " + file + " ("
									+ StoreDirectory.describe(file)
									+ "). Run as the store's owner, or open the store read-only "
									+ "(Varve.openReadOnly, property varve.read-only)",
							ex);
				}
				catch (IOException ex) {
					closeQuietly(channel);
					if (DiskSpace.isFull(key)) {
						throw DiskSpace.full(key, "lock the Varve store at " + key, ex);
					}
					throw new StorageException("Cannot lock the Varve store at " + key + ": " + ex.getMessage()
							+ "; check that the directory is writable", ex);
				}
			}
			OPEN_IN_THIS_JVM.put(key, readOnly ? "read-only" : "read-write");
			return new StoreLock(key, channel, lock);
		}
	}

	/** The canonical directory this lock holds. */
	public Path directory() {
		return this.directory;
	}

	@Override
	public void close() {
		synchronized (OPEN_IN_THIS_JVM) {
			if (this.released) {
				return;
			}
			this.released = true;
			try {
				if (this.lock != null) {
					this.lock.release();
				}
			}
			catch (IOException ex) {
				// The channel close below releases it anyway.
			}
			closeQuietly(this.channel);
			OPEN_IN_THIS_JVM.remove(this.directory);
		}
	}

	private static Path canonical(Path directory) {
		try {
			return directory.toRealPath();
		}
		catch (IOException ex) {
			return directory.toAbsolutePath().normalize();
		}
	}

	private static String readOwner(FileChannel channel) {
		try {
			ByteBuffer buffer = ByteBuffer.allocate(32);
			int read = channel.read(buffer, 0);
			return (read > 0) ? new String(buffer.array(), 0, read, StandardCharsets.US_ASCII).trim() : "";
		}
		catch (IOException ex) {
			return "";
		}
	}

	private static void closeQuietly(FileChannel channel) {
		if (channel != null) {
			try {
				channel.close();
			}
			catch (IOException ex) {
				// nothing more to do
			}
		}
	}

}

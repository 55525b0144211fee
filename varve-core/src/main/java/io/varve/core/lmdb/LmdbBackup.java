package io.varve.core.lmdb;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.agrona.DirectBuffer;
import org.lmdbjava.CopyFlags;
import org.lmdbjava.Env;

import io.varve.InvalidArgumentException;
import io.varve.StorageException;
import io.varve.core.storage.StoreDirectory;

/**
 * Writes a backup: LMDB's compacting copy of a consistent snapshot into an empty
 * directory, then synced to disk. The caller holds the map guard and a reader slot for
 * the duration, since the copy reads the map like any snapshot.
 */
final class LmdbBackup {

	private LmdbBackup() {
	}

	/**
	 * Creates the target directory if needed, as private as the store, and checks that it
	 * is empty.
	 * @param target the backup directory
	 * @param groupAccess whether the store's group may read it
	 */
	static void prepare(Path target, boolean groupAccess) {
		try {
			if (!Files.isDirectory(target)) {
				StoreDirectory.createPrivate(target, groupAccess);
			}
			try (var entries = Files.list(target)) {
				if (entries.findAny().isPresent()) {
					throw new InvalidArgumentException("Backup target " + target.toAbsolutePath()
							+ " is not empty; give an empty or new directory");
				}
			}
		}
		catch (IOException ex) {
			throw new StorageException("Cannot prepare the backup directory " + target.toAbsolutePath() + ": "
					+ ex.getMessage() + "; check the path and its permissions", ex);
		}
	}

	/**
	 * Copies the environment into the prepared directory and syncs the copy. On failure
	 * the partial file is removed, so that it is never mistaken for a backup.
	 * @param env the environment
	 * @param target the backup directory
	 * @param groupAccess whether the store's group may read the copy
	 */
	static void copy(Env<DirectBuffer> env, Path target, boolean groupAccess) {
		Path file = target.resolve(DataFileCheck.DATA_FILE);
		try {
			env.copy(target.toFile(), CopyFlags.MDB_CP_COMPACT);
			restrict(file, groupAccess);
			forceToDisk(file, target);
		}
		catch (RuntimeException ex) {
			deleteQuietly(file);
			throw ex;
		}
	}

	/** LMDB creates the copy as the umask allows; it gets the store's mode. */
	private static void restrict(Path file, boolean groupAccess) {
		try {
			StoreDirectory.restrict(file, groupAccess, false);
		}
		catch (IOException ex) {
			throw new StorageException("Cannot make the backup " + file.toAbsolutePath() + " private: "
					+ ex.getMessage() + "; check that this process owns the backup directory", ex);
		}
	}

	/**
	 * LMDB syncs a copy only when the store itself syncs; a backup is synced always, file
	 * and directory entry, so that it survives a crash right after it returns.
	 */
	private static void forceToDisk(Path file, Path directory) {
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
			channel.force(true);
		}
		catch (IOException ex) {
			throw new StorageException("Cannot sync the backup " + file.toAbsolutePath() + " to disk: "
					+ ex.getMessage() + "; check the disk and try again", ex);
		}
		try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
			channel.force(true);
		}
		catch (IOException ex) {
			// Not every platform can sync a directory; the file itself is synced.
		}
	}

	private static void deleteQuietly(Path file) {
		try {
			Files.deleteIfExists(file);
		}
		catch (IOException ex) {
			// Left for the caller to clean up; the exception already says the backup
			// failed.
		}
	}

}

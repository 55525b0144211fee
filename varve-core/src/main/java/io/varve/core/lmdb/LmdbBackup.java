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

/**
 * Writes a backup: LMDB's compacting copy of a consistent snapshot into an empty
 * directory, then synced to disk. The caller holds the map guard and a reader slot for
 * the duration, since the copy reads the map like any snapshot.
 */
final class LmdbBackup {

	private LmdbBackup() {
	}

	/**
	 * Creates the target directory if needed and checks that it is empty.
	 * @param target the backup directory
	 */
	static void prepare(Path target) {
		try {
			Files.createDirectories(target);
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
	 */
	static void copy(Env<DirectBuffer> env, Path target) {
		Path file = target.resolve(DataFileCheck.DATA_FILE);
		try {
			env.copy(target.toFile(), CopyFlags.MDB_CP_COMPACT);
			forceToDisk(file, target);
		}
		catch (RuntimeException ex) {
			deleteQuietly(file);
			throw ex;
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

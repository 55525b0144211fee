package io.varve.core.lmdb;

import java.nio.file.Files;
import java.nio.file.Path;

import org.lmdbjava.Dbi;
import org.lmdbjava.Env;
import org.lmdbjava.LmdbException;
import org.lmdbjava.LmdbNativeException;
import org.lmdbjava.Txn;

import io.varve.CorruptDataException;
import io.varve.IncompatibleFormatException;
import io.varve.StorageException;
import io.varve.StorePathException;
import io.varve.VarveException;
import io.varve.core.storage.DiskSpace;
import io.varve.core.storage.MapFullSignal;
import io.varve.core.storage.StoreDirectory;

import jnr.constants.platform.Errno;

/**
 * Maps lmdbjava's exceptions to Varve's, in one place. Every message names the store and
 * what was being done: for damage, the data file and the position or key being read.
 */
final class LmdbErrors {

	private static final int ENOSPC = Errno.ENOSPC.intValue();

	private static final int EDQUOT = Errno.EDQUOT.intValue();

	private static final int EACCES = Errno.EACCES.intValue();

	private LmdbErrors() {
	}

	/**
	 * Translates a failure to read or to change the store in memory.
	 * @param ex the failure
	 * @param action what was being done, as in "Cannot read the log at position 4"
	 * @param directory the store directory
	 * @return the exception to throw
	 */
	static RuntimeException translate(RuntimeException ex, String action, Path directory) {
		if (ex instanceof VarveException || ex instanceof MapFullSignal) {
			return ex;
		}
		if (ex instanceof Env.MapFullException) {
			return new MapFullSignal(ex);
		}
		if (ex instanceof Env.ReadersFullException) {
			return new StorageException("Cannot " + action + " (Varve store " + directory + ")"
					+ ": every entry of LMDB's reader table, which all processes using the store share, stayed in use for "
					+ ReaderSlots.WAIT_SECONDS + " s. Close streams from scanStream/scanAll promptly in every "
					+ "process, or raise the reader limit (VarveBuilder.maxReaders, property varve.max-readers); "
					+ "the table keeps the size the first process to open the store gave it until all have closed it",
					ex);
		}
		if (ex instanceof Env.FileInvalidException || ex instanceof Env.VersionMismatchException) {
			return new IncompatibleFormatException("Cannot " + action + ": the data file in " + directory
					+ " is not an LMDB database this Varve can read (" + ex.getMessage()
					+ "); point the store at a Varve directory or restore it from a backup", ex);
		}
		if (ex instanceof LmdbNativeException.PageCorruptedException
				|| ex instanceof LmdbNativeException.PageNotFoundException
				|| ex instanceof LmdbNativeException.PanicException || ex instanceof Dbi.BadValueSizeException
				|| ex instanceof Txn.BadException || ex instanceof Dbi.IncompatibleException) {
			return damaged(directory, "LMDB reports " + ex.getMessage(), action, ex);
		}
		if (ex instanceof LmdbException) {
			return new StorageException("Cannot " + action + " (Varve store " + directory + "): " + ex.getMessage(),
					ex);
		}
		return ex;
	}

	/**
	 * Translates a failure to write to disk (a commit, a sync, a backup), telling a full
	 * file system apart: LMDB reports a write cut short for want of space as EIO.
	 * @param ex the failure
	 * @param action what was being done
	 * @param directory the store directory
	 * @param written the directory written to (the store's, or a backup's)
	 * @return the exception to throw
	 */
	static RuntimeException translateWrite(RuntimeException ex, String action, Path directory, Path written) {
		if (ex.getClass() == LmdbNativeException.ConstantDerivedException.class) {
			int code = ((LmdbNativeException) ex).getResultCode();
			if (code == ENOSPC || code == EDQUOT || DiskSpace.isFull(written)) {
				return DiskSpace.full(written, action, ex);
			}
		}
		return translate(ex, action, directory);
	}

	/**
	 * Translates a failure to open the store. LMDB opens its lock file for writing even
	 * to read (it records each reader there), so a user who may read the data file but
	 * not write the lock file gets a bare EACCES from it: said here in full, with the
	 * fix.
	 * @param ex the failure
	 * @param directory the store directory
	 * @param readOnly whether the store was being opened read-only
	 * @return the exception to throw
	 */
	static RuntimeException translateOpen(RuntimeException ex, Path directory, boolean readOnly) {
		if (ex.getClass() != LmdbNativeException.ConstantDerivedException.class
				|| ((LmdbNativeException) ex).getResultCode() != EACCES) {
			return translateWrite(ex, "open the store", directory, directory);
		}
		String opening = "Cannot open the store at " + directory + (readOnly ? " read-only" : "") + ": ";
		String user = "this process (user " + StoreDirectory.user() + ")";
		Path lock = directory.resolve(LmdbEnvironment.LOCK_FILE);
		Path data = directory.resolve(DataFileCheck.DATA_FILE);
		if (Files.exists(lock) && !Files.isWritable(lock)) {
			return new StorePathException(directory, opening + "LMDB needs write access to " + lock
					+ " even to read, because it records every reader there, and " + user + " has none (the file is "
					+ StoreDirectory.describe(lock) + "). Run as its owner, or give this user write access to "
					+ "lock.mdb: for a user of the owner's group, open the store with group access "
					+ "(VarveBuilder.groupAccess, property varve.group-access), which makes lock.mdb group-writable",
					ex);
		}
		if (!Files.exists(lock)) {
			return new StorePathException(directory,
					opening + "LMDB must create " + lock + " to record its readers, even to read, and " + user
							+ " may not create files in " + directory + " (" + StoreDirectory.describe(directory)
							+ "). Open the store once as its owner, which creates "
							+ "lock.mdb, then give this user write access to that file, or run as the owner",
					ex);
		}
		return new StorePathException(directory,
				opening + user + " may not " + (readOnly ? "read " : "read and write ") + data + " ("
						+ StoreDirectory.describe(data) + "). Run as the store's owner, or give this user that "
						+ "access",
				ex);
	}

	/**
	 * The exception for damage found in the data file.
	 * @param directory the store directory
	 * @param what what is wrong
	 * @param where what was being read: the position, stream or key
	 * @param cause the failure that revealed it, or null
	 * @return the exception
	 */
	static CorruptDataException damaged(Path directory, String what, String where, Throwable cause) {
		return new CorruptDataException("The store file " + directory.resolve(DataFileCheck.DATA_FILE) + " is damaged: "
				+ what + " (found trying to " + where
				+ "). Restore the store from a backup (see Varve.backup); a damaged LMDB file cannot be repaired in place",
				cause);
	}

}

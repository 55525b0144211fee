package io.varve.core.lmdb;

import org.lmdbjava.Dbi;
import org.lmdbjava.Env;
import org.lmdbjava.LmdbException;
import org.lmdbjava.LmdbNativeException;
import org.lmdbjava.Txn;

import io.varve.CorruptDataException;
import io.varve.IncompatibleFormatException;
import io.varve.StorageException;
import io.varve.VarveException;
import io.varve.core.storage.MapFullSignal;

/**
 * Maps lmdbjava's exceptions to Varve's, in one place.
 */
final class LmdbErrors {

	private LmdbErrors() {
	}

	static RuntimeException translate(RuntimeException ex, String action) {
		if (ex instanceof VarveException || ex instanceof MapFullSignal) {
			return ex;
		}
		if (ex instanceof Env.MapFullException) {
			return new MapFullSignal(ex);
		}
		if (ex instanceof Env.ReadersFullException) {
			return new StorageException("Cannot " + action
					+ ": every reader slot is in use; raise the reader limit (VarveBuilder.maxReaders, property varve.max-readers) or close readers sooner",
					ex);
		}
		if (ex instanceof Env.FileInvalidException || ex instanceof Env.VersionMismatchException) {
			return new IncompatibleFormatException(
					"Cannot " + action + ": the data file is not an LMDB database this Varve can read ("
							+ ex.getMessage() + "); point the store at a Varve directory or restore it from a backup",
					ex);
		}
		if (ex instanceof LmdbNativeException.PageCorruptedException
				|| ex instanceof LmdbNativeException.PageNotFoundException
				|| ex instanceof LmdbNativeException.PanicException || ex instanceof Dbi.BadValueSizeException
				|| ex instanceof Txn.BadException) {
			return new CorruptDataException("Cannot " + action + ": the store file is damaged (" + ex.getMessage()
					+ "); restore it from a backup", ex);
		}
		if (ex instanceof LmdbException) {
			return new StorageException("Cannot " + action + ": " + ex.getMessage(), ex);
		}
		return ex;
	}

}

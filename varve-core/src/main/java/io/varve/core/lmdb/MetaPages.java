package io.varve.core.lmdb;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.jspecify.annotations.Nullable;

import io.varve.CorruptDataException;
import io.varve.StorageException;
import io.varve.core.durability.CheckpointFile;

/**
 * LMDB's two meta pages (pages 0 and 1 of the data file; a commit of transaction
 * {@code t} writes page {@code t & 1}, and LMDB opens at the valid one with the higher
 * transaction id). Commits are not flushed, so after an OS crash or power loss the newest
 * meta page may point at pages that never reached the disk. The checkpoint keeps a
 * flushed transaction's meta page, and every page of that transaction stays on disk
 * untouched until the next checkpoint (a read transaction pins it); putting its meta page
 * back, and a copy one transaction older in the other slot, opens the store at that
 * transaction, whole. The journal then replays what came after.
 */
final class MetaPages {

	private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

	private MetaPages() {
	}

	/**
	 * Reads the meta page of a transaction from the data file, as it is now (in the page
	 * cache).
	 * @param data the data file, open for reading
	 * @param txnId the transaction, the newest committed
	 * @param pageSize the page size
	 * @return the meta page's first {@link DataFileCheck#META_BYTES} bytes
	 */
	static byte[] read(FileChannel data, long txnId, int pageSize) throws IOException {
		ByteBuffer page = readPage(data, (txnId & 1) * pageSize);
		if (page == null) {
			throw new IOException("the data file ends inside its meta page " + (txnId & 1));
		}
		long found = page.getLong(DataFileCheck.OFFSET_TXN_ID);
		if (found != txnId) {
			throw new IOException("meta page " + (txnId & 1) + " holds transaction " + found + ", not " + txnId);
		}
		return page.array();
	}

	/**
	 * Puts the checkpoint's meta page back if the data file's newest meta page is another
	 * one, and flushes the file.
	 * @param directory the store directory
	 * @param checkpoint the last checkpoint, or null for none
	 * @return whether the file was changed
	 */
	static boolean rollBack(Path directory, CheckpointFile.@Nullable Checkpoint checkpoint) {
		Path file = directory.resolve(DataFileCheck.DATA_FILE);
		if (checkpoint == null || checkpoint.clean() || !Files.exists(file)
				|| checkpoint.meta().length != DataFileCheck.META_BYTES) {
			return false;
		}
		long txnId = checkpoint.txnId();
		int pageSize = checkpoint.pageSize();
		try (FileChannel data = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
			ByteBuffer mine = ByteBuffer.wrap(checkpoint.meta().clone()).order(ORDER);
			ByteBuffer other = ByteBuffer.wrap(checkpoint.meta().clone()).order(ORDER);
			long slot = txnId & 1;
			ByteBuffer current = readPage(data, slot * pageSize);
			long otherTxnId = txnIdOf(readPage(data, (1 - slot) * pageSize));
			if (mine.equals(current) && otherTxnId < txnId) {
				return false;
			}
			// After a crash the slots hold the checkpoint's transaction, its neighbours
			// or
			// newer ones (or a torn page): never both older than the one before it.
			long newest = Math.max(txnIdOf(current), otherTxnId);
			if (newest < txnId - 1) {
				throw new CorruptDataException("The data file of the store at " + directory
						+ " is older than the store's last checkpoint (transaction " + newest + ", checkpoint " + txnId
						+ "): it was replaced, as by copying a backup's data.mdb over it while the store had not "
						+ "closed cleanly. Open the backup's directory itself, or delete the files checkpoint and "
						+ "journal-* beside the replaced data.mdb to open it as it is");
			}
			other.putLong(0, 1 - slot);
			other.putLong(DataFileCheck.OFFSET_TXN_ID, Math.max(0, txnId - 1));
			write(data, slot * pageSize, mine);
			write(data, (1 - slot) * pageSize, other);
			data.force(false);
			return true;
		}
		catch (IOException ex) {
			throw new StorageException("Could not restore the last checkpoint of the store at " + directory + ": " + ex
					+ "; check the file system, then open the store again", ex);
		}
	}

	/**
	 * The first {@link DataFileCheck#META_BYTES} bytes of a page, or null past the file's
	 * end.
	 */
	private static @Nullable ByteBuffer readPage(FileChannel data, long at) throws IOException {
		ByteBuffer page = ByteBuffer.allocate(DataFileCheck.META_BYTES).order(ORDER);
		while (page.hasRemaining()) {
			if (data.read(page, at + page.position()) < 0) {
				return null;
			}
		}
		return page.flip();
	}

	/** The transaction id of a meta page, or -1 when it is none (or missing). */
	private static long txnIdOf(@Nullable ByteBuffer page) {
		return (page != null && page.getInt(DataFileCheck.OFFSET_MAGIC) == DataFileCheck.MAGIC)
				? page.getLong(DataFileCheck.OFFSET_TXN_ID) : -1;
	}

	private static void write(FileChannel data, long at, ByteBuffer page) throws IOException {
		ByteBuffer source = page.duplicate().clear();
		long to = at;
		while (source.hasRemaining()) {
			to += data.write(source, to);
		}
	}

}

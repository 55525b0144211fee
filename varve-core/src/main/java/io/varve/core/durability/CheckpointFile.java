package io.varve.core.durability;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.zip.CRC32C;

import org.jspecify.annotations.Nullable;

import io.varve.StorageException;
import io.varve.core.storage.StoreDirectory;

/**
 * The last checkpoint of a store, in the file {@code checkpoint} of its directory: the
 * LMDB transaction whose pages were flushed (its id and its meta page, to put back if a
 * crash leaves newer, unflushed meta pages), the last journal record it holds, the
 * journal's generation, and whether the store was closed cleanly after it (then the data
 * file was flushed whole, and nothing is rolled back or replayed). Two 512-byte slots
 * written in turn, each with a checksum: a write torn by a crash leaves the previous
 * checkpoint readable.
 */
public final class CheckpointFile {

	/** The file's name in the store directory. */
	public static final String NAME = "checkpoint";

	private static final int SLOT = 512;

	private static final int MAGIC = 0x56434b31;

	private static final int FIXED = 44;

	/** The most meta bytes a checkpoint keeps. */
	public static final int MAX_META = SLOT - FIXED - 4;

	private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

	private CheckpointFile() {
	}

	/**
	 * A checkpoint.
	 *
	 * @param counter increases with every checkpoint written
	 * @param txnId the LMDB transaction whose pages were flushed
	 * @param journalSequence the last journal record that transaction holds
	 * @param generation the journal's generation
	 * @param pageSize the data file's page size
	 * @param meta the transaction's meta page, from its start
	 * @param clean whether the store closed right after it
	 */
	public record Checkpoint(long counter, long txnId, long journalSequence, int generation, int pageSize, byte[] meta,
			boolean clean) {

	}

	/**
	 * Reads the newest whole checkpoint.
	 * @param directory the store directory
	 * @return the checkpoint, or null when there is none
	 */
	public static @Nullable Checkpoint read(Path directory) {
		Path file = directory.resolve(NAME);
		if (!Files.exists(file)) {
			return null;
		}
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
			Checkpoint newest = null;
			for (int slot = 0; slot < 2; slot++) {
				ByteBuffer buffer = ByteBuffer.allocate(SLOT).order(ORDER);
				int read = channel.read(buffer, (long) slot * SLOT);
				if (read < SLOT) {
					continue;
				}
				Checkpoint checkpoint = decode(buffer);
				if (checkpoint != null && (newest == null || checkpoint.counter() > newest.counter())) {
					newest = checkpoint;
				}
			}
			return newest;
		}
		catch (IOException ex) {
			throw new StorageException("Could not read the checkpoint of the store at " + directory + ": " + ex, ex);
		}
	}

	/**
	 * Writes a checkpoint into the slot its counter chooses and flushes it.
	 * @param directory the store directory
	 * @param checkpoint the checkpoint
	 * @param groupAccess whether the owner's group may read the store's files
	 */
	public static void write(Path directory, Checkpoint checkpoint, boolean groupAccess) {
		Path file = directory.resolve(NAME);
		boolean created = !Files.exists(file);
		ByteBuffer buffer = ByteBuffer.allocate(SLOT).order(ORDER);
		buffer.putInt(0, MAGIC);
		buffer.putLong(4, checkpoint.counter());
		buffer.putLong(12, checkpoint.txnId());
		buffer.putLong(20, checkpoint.journalSequence());
		buffer.putInt(28, checkpoint.generation());
		buffer.putInt(32, checkpoint.pageSize());
		buffer.putInt(36, checkpoint.meta().length);
		buffer.putInt(40, checkpoint.clean() ? 1 : 0);
		buffer.put(FIXED, checkpoint.meta());
		buffer.putInt(SLOT - 4, checksum(buffer.array()));
		try (FileChannel channel = FileChannel.open(file,
				Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE),
				StoreDirectory.fileAttributes(directory, groupAccess))) {
			if (created) {
				StoreDirectory.restrict(file, groupAccess, false);
			}
			long at = (checkpoint.counter() % 2) * SLOT;
			while (buffer.hasRemaining()) {
				at += channel.write(buffer, at);
			}
			Flushes.before(file);
			channel.force(created);
			Flushes.after(file);
		}
		catch (IOException ex) {
			throw new StorageException("Could not write the checkpoint of the store at " + directory + ": " + ex, ex);
		}
		if (created) {
			try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
				dir.force(true);
			}
			catch (IOException ex) {
				// Some file systems cannot flush a directory.
			}
		}
	}

	private static @Nullable Checkpoint decode(ByteBuffer buffer) {
		if (buffer.getInt(0) != MAGIC || buffer.getInt(SLOT - 4) != checksum(buffer.array())) {
			return null;
		}
		int metaLength = buffer.getInt(36);
		if (metaLength < 0 || metaLength > MAX_META) {
			return null;
		}
		byte[] meta = new byte[metaLength];
		buffer.get(FIXED, meta);
		return new Checkpoint(buffer.getLong(4), buffer.getLong(12), buffer.getLong(20), buffer.getInt(28),
				buffer.getInt(32), meta, buffer.getInt(40) == 1);
	}

	private static int checksum(byte[] slot) {
		CRC32C crc = new CRC32C();
		crc.update(slot, 0, SLOT - 4);
		return (int) crc.getValue();
	}

}

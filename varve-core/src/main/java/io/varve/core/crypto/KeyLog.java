package io.varve.core.crypto;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.zip.CRC32C;

import org.jspecify.annotations.Nullable;

import io.varve.EncryptionException;
import io.varve.StorageException;
import io.varve.core.durability.Flushes;
import io.varve.core.storage.StoreDirectory;

/**
 * The key store file: a header naming the store it belongs to, then one checksummed
 * record per data key, appended as streams get keys. Small enough to read whole at open.
 *
 * <pre>
 * header: "VARVEKEY" (8), version (2), store id (16), CRC32C of those (4)
 * record: body length L (4), body (L), CRC32C of length and body (4)
 * body:   kind 1 (1), data key id (8), stream name length (1), stream name (UTF-8),
 *         master key id length (1), master key id (UTF-8), wrapped key length (2), wrapped key
 * </pre>
 *
 * All integers are big-endian. A record cut short or failing its checksum ends the log
 * (an append torn by a crash): it and anything after it are ignored, and cut off before
 * the next append. Removing a key (forgetting a stream) or rewrapping every key
 * (rotation) rewrites the whole file: a temporary file is written and flushed, renamed
 * over the log and the directory flushed, so that the old bytes are gone from the file
 * the store uses, and a crash leaves either the old log or the new one.
 */
final class KeyLog implements AutoCloseable {

	static final byte[] MAGIC = "VARVEKEY".getBytes(StandardCharsets.US_ASCII);

	static final int VERSION = 1;

	static final int HEADER = MAGIC.length + 2 + 16 + 4;

	private static final byte KIND_KEY = 1;

	private static final ByteOrder ORDER = ByteOrder.BIG_ENDIAN;

	private final Path file;

	private final UUID storeId;

	private @Nullable FileChannel channel;

	private boolean dirty;

	/**
	 * One record: a stream's data key, wrapped.
	 *
	 * @param stream the stream name
	 * @param dataKeyId the data key's id, as sealed envelopes name it
	 * @param masterKeyId the id of the master key that wrapped it
	 * @param wrapped the wrapped key
	 */
	record Entry(String stream, long dataKeyId, String masterKeyId, byte[] wrapped) {

	}

	private KeyLog(Path file, UUID storeId, @Nullable FileChannel channel) {
		this.file = file;
		this.storeId = storeId;
		this.channel = channel;
	}

	/**
	 * Reads a key log.
	 * @param file the file
	 * @param writable whether to open it for appending (cutting off a torn tail)
	 * @param entries where its records go, in file order
	 * @return the log, or null when the file does not exist
	 */
	static @Nullable KeyLog open(Path file, boolean writable, List<Entry> entries) {
		byte[] bytes;
		try {
			bytes = Files.readAllBytes(file);
		}
		catch (NoSuchFileException ex) {
			return null;
		}
		catch (IOException ex) {
			throw new StorageException("Could not read the key store " + file + ": " + ex, ex);
		}
		UUID storeId = header(bytes, file);
		int end = HEADER;
		while (true) {
			int next = record(bytes, end, entries, file);
			if (next < 0) {
				break;
			}
			end = next;
		}
		FileChannel channel = null;
		if (writable) {
			try {
				channel = FileChannel.open(file, StandardOpenOption.WRITE);
				if (end < bytes.length) {
					System.getLogger(KeyLog.class.getName())
						.log(System.Logger.Level.WARNING, "The key store " + file + " ends with " + (bytes.length - end)
								+ " bytes that are not a whole record (an append cut short by a crash); cutting them off");
					channel.truncate(end);
					channel.force(false);
				}
				channel.position(end);
			}
			catch (IOException ex) {
				closeQuietly(channel);
				throw new StorageException("Could not open the key store " + file + " for writing: " + ex, ex);
			}
		}
		return new KeyLog(file, storeId, channel);
	}

	/**
	 * Creates a key log with no key (the file must not exist).
	 * @param file the file
	 * @param storeId the id of the store it belongs to
	 * @return the log, open for appending
	 */
	static KeyLog create(Path file, UUID storeId) {
		try {
			Path parent = file.toAbsolutePath().getParent();
			Files.createDirectories(parent);
			write(file, storeId, List.of());
			syncDirectory(parent);
			FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE);
			channel.position(channel.size());
			return new KeyLog(file, storeId, channel);
		}
		catch (IOException ex) {
			throw new StorageException("Could not create the key store " + file + ": " + ex, ex);
		}
	}

	/** The id of the store the log belongs to. */
	UUID storeId() {
		return this.storeId;
	}

	Path file() {
		return this.file;
	}

	/**
	 * Appends a record (not flushed: see {@link #sync()}).
	 * @param entry the record
	 */
	void append(Entry entry) {
		FileChannel target = writable();
		try {
			ByteBuffer record = ByteBuffer.wrap(encode(entry));
			while (record.hasRemaining()) {
				target.write(record);
			}
			this.dirty = true;
		}
		catch (IOException ex) {
			throw new StorageException("Could not write to the key store " + this.file + ": " + ex, ex);
		}
	}

	/** Flushes the records appended since the last flush to the device. */
	void sync() {
		if (!this.dirty) {
			return;
		}
		try {
			Flushes.before(this.file);
			writable().force(false);
			Flushes.after(this.file);
			this.dirty = false;
		}
		catch (IOException ex) {
			throw new StorageException("Could not flush the key store " + this.file + ": " + ex, ex);
		}
	}

	/**
	 * Replaces the whole log with these records, durably: on return the file holds them
	 * and nothing else.
	 * @param entries the records
	 */
	void rewrite(List<Entry> entries) {
		FileChannel old = writable();
		Path temporary = this.file.resolveSibling(this.file.getFileName() + ".tmp");
		try {
			write(temporary, this.storeId, entries);
			try {
				Files.move(temporary, this.file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
			}
			catch (AtomicMoveNotSupportedException ex) {
				Files.move(temporary, this.file, StandardCopyOption.REPLACE_EXISTING);
			}
			syncDirectory(this.file.toAbsolutePath().getParent());
			this.channel = FileChannel.open(this.file, StandardOpenOption.WRITE);
			this.channel.position(this.channel.size());
			this.dirty = false;
			closeQuietly(old);
		}
		catch (IOException ex) {
			throw new StorageException("Could not rewrite the key store " + this.file + ": " + ex, ex);
		}
	}

	@Override
	public void close() {
		closeQuietly(this.channel);
		this.channel = null;
	}

	private FileChannel writable() {
		FileChannel target = this.channel;
		if (target == null) {
			throw new IllegalStateException("The key store " + this.file + " is open read-only");
		}
		return target;
	}

	private static void write(Path file, UUID storeId, List<Entry> entries) throws IOException {
		Path parent = file.toAbsolutePath().getParent();
		Files.deleteIfExists(file);
		try (FileChannel channel = FileChannel.open(file,
				Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
				StoreDirectory.fileAttributes(parent, false))) {
			ByteBuffer header = ByteBuffer.allocate(HEADER).order(ORDER);
			header.put(MAGIC).putShort((short) VERSION);
			header.putLong(storeId.getMostSignificantBits()).putLong(storeId.getLeastSignificantBits());
			header.putInt(crc(header.array(), 0, HEADER - 4));
			header.flip();
			writeFully(channel, header);
			for (Entry entry : entries) {
				writeFully(channel, ByteBuffer.wrap(encode(entry)));
			}
			channel.force(false);
		}
	}

	private static void writeFully(FileChannel channel, ByteBuffer buffer) throws IOException {
		while (buffer.hasRemaining()) {
			channel.write(buffer);
		}
	}

	static byte[] encode(Entry entry) {
		byte[] stream = entry.stream().getBytes(StandardCharsets.UTF_8);
		byte[] master = entry.masterKeyId().getBytes(StandardCharsets.UTF_8);
		if (master.length == 0 || master.length > 255) {
			throw new EncryptionException("A master key id must be 1 to 255 UTF-8 bytes, got '" + entry.masterKeyId()
					+ "'; fix the KeyProvider's currentKeyId()");
		}
		if (entry.wrapped().length > 0xffff) {
			throw new EncryptionException("A wrapped data key is " + entry.wrapped().length
					+ " bytes, more than the 65,535 a key store record holds; fix the KeyProvider's wrap()");
		}
		int body = 1 + 8 + 1 + stream.length + 1 + master.length + 2 + entry.wrapped().length;
		ByteBuffer record = ByteBuffer.allocate(4 + body + 4).order(ORDER);
		record.putInt(body).put(KIND_KEY).putLong(entry.dataKeyId());
		record.put((byte) stream.length).put(stream);
		record.put((byte) master.length).put(master);
		record.putShort((short) entry.wrapped().length).put(entry.wrapped());
		record.putInt(crc(record.array(), 0, 4 + body));
		return record.array();
	}

	private static UUID header(byte[] bytes, Path file) {
		if (bytes.length < HEADER || !Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)
				|| crc(bytes, 0, HEADER - 4) != ByteBuffer.wrap(bytes, HEADER - 4, 4).order(ORDER).getInt()) {
			throw new EncryptionException("The file " + file + " is not a Varve key store (or its header is damaged); "
					+ "point the key store path at the key store this store was created with");
		}
		ByteBuffer header = ByteBuffer.wrap(bytes).order(ORDER);
		int version = header.getShort(MAGIC.length) & 0xffff;
		if (version != VERSION) {
			throw new EncryptionException("The key store " + file + " has format version " + version + "; this Varve "
					+ "reads version " + VERSION + ". Open it with the Varve release that wrote it");
		}
		return new UUID(header.getLong(MAGIC.length + 2), header.getLong(MAGIC.length + 10));
	}

	/** Reads the record at an offset: the offset after it, or -1 at the log's end. */
	private static int record(byte[] bytes, int at, List<Entry> entries, Path file) {
		if (at + 4 > bytes.length) {
			return -1;
		}
		ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ORDER);
		int body = buffer.getInt(at);
		if (body < 1 + 8 + 1 + 1 + 1 + 1 + 2 || (long) at + 4 + body + 4 > bytes.length
				|| crc(bytes, at, 4 + body) != buffer.getInt(at + 4 + body)) {
			return -1;
		}
		try {
			int offset = at + 4;
			if (bytes[offset] != KIND_KEY) {
				throw new EncryptionException("The key store " + file + " holds a record of unknown kind "
						+ bytes[offset] + " at offset " + at + "; open it with the Varve release that wrote it");
			}
			long id = buffer.getLong(offset + 1);
			offset += 9;
			int streamLength = bytes[offset] & 0xff;
			String stream = new String(bytes, offset + 1, streamLength, StandardCharsets.UTF_8);
			offset += 1 + streamLength;
			int masterLength = bytes[offset] & 0xff;
			String master = new String(bytes, offset + 1, masterLength, StandardCharsets.UTF_8);
			offset += 1 + masterLength;
			int wrappedLength = buffer.getShort(offset) & 0xffff;
			byte[] wrapped = Arrays.copyOfRange(bytes, offset + 2, offset + 2 + wrappedLength);
			if (offset + 2 + wrappedLength != at + 4 + body) {
				throw new EncryptionException("The key store " + file + " holds a record at offset " + at
						+ " whose fields do not add up to its length; restore the key store from a backup");
			}
			entries.add(new Entry(stream, id, master, wrapped));
			return at + 4 + body + 4;
		}
		catch (IndexOutOfBoundsException ex) {
			throw new EncryptionException("The key store " + file + " holds a record at offset " + at
					+ " whose fields do not add up to its length; restore the key store from a backup", ex);
		}
	}

	private static int crc(byte[] bytes, int offset, int length) {
		CRC32C crc = new CRC32C();
		crc.update(bytes, offset, length);
		return (int) crc.getValue();
	}

	private static void syncDirectory(Path directory) {
		try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
			channel.force(true);
		}
		catch (IOException ex) {
			// Some file systems cannot flush a directory; the file's data is flushed.
		}
	}

	private static void closeQuietly(@Nullable FileChannel channel) {
		if (channel != null) {
			try {
				channel.close();
			}
			catch (IOException ex) {
				// nothing to do: the data was flushed or the failure reported
			}
		}
	}

}

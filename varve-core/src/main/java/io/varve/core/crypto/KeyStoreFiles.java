package io.varve.core.crypto;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

import io.varve.EncryptionException;
import io.varve.InvalidArgumentException;

/**
 * Where a key store may live and which store it belongs to: the key store's path is
 * refused inside the store directory, and an encrypted store records the id of its key
 * store in its meta table, so that a key store is never used with another store.
 */
public final class KeyStoreFiles {

	/** Name of the store's meta entry that says it is encrypted. */
	public static final String META_KEY = "encryption";

	/** Version of that entry: a version byte and the key store id. */
	private static final byte META_VERSION = 1;

	/**
	 * The meta entry of an encrypted store: the id of its key store.
	 * @param keyStoreId the id
	 * @return the entry's value
	 */
	public static byte[] metaRecord(UUID keyStoreId) {
		return ByteBuffer.allocate(17)
			.put(META_VERSION)
			.putLong(keyStoreId.getMostSignificantBits())
			.putLong(keyStoreId.getLeastSignificantBits())
			.array();
	}

	/**
	 * Reads the key store id of an encrypted store's meta entry.
	 * @param record the entry's value
	 * @param storeDirectory the store, for messages
	 * @return the id
	 */
	public static UUID storeIdOf(byte[] record, Path storeDirectory) {
		if (record.length != 17 || record[0] != META_VERSION) {
			throw new EncryptionException("The encryption record of the store at " + storeDirectory + " is "
					+ record.length + " bytes of version " + ((record.length > 0) ? record[0] : -1)
					+ "; open it with the Varve release that wrote it");
		}
		ByteBuffer buffer = ByteBuffer.wrap(record, 1, 16);
		return new UUID(buffer.getLong(), buffer.getLong());
	}

	/**
	 * The key store file, after checking that it is not inside the store directory.
	 * @param keyStorePath the configured path
	 * @param storeDirectory the store directory
	 * @return the absolute, normalized path
	 */
	public static Path checkedPath(Path keyStorePath, Path storeDirectory) {
		Path file = real(keyStorePath);
		Path store = real(storeDirectory);
		if (file.startsWith(store)) {
			throw new InvalidArgumentException("The key store " + keyStorePath + " is inside the store directory "
					+ storeDirectory
					+ ": a backup of the store would carry its keys, and forgetting a stream would not "
					+ "reach the copies. Put the key store elsewhere (its own directory, ideally its own backup)");
		}
		if (Files.isDirectory(file)) {
			throw new InvalidArgumentException("The key store path " + keyStorePath + " is a directory; give the "
					+ "key store file's path, such as " + keyStorePath.resolve("keys.log"));
		}
		return file;
	}

	/** The absolute path with its existing part's links resolved. */
	private static Path real(Path path) {
		Path absolute = path.toAbsolutePath().normalize();
		Path existing = absolute;
		while (existing != null && !Files.exists(existing)) {
			existing = existing.getParent();
		}
		if (existing == null) {
			return absolute;
		}
		try {
			return existing.toRealPath().resolve(existing.relativize(absolute));
		}
		catch (IOException ex) {
			return absolute;
		}
	}

	private KeyStoreFiles() {
	}

}

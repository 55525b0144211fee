package io.varve.core;

import java.util.UUID;

import org.jspecify.annotations.Nullable;

import io.varve.EncryptionException;
import io.varve.core.crypto.DataKeys;
import io.varve.core.crypto.KeyStoreFiles;
import io.varve.core.storage.ReadTxn;
import io.varve.core.storage.StorageEngine;

/**
 * Decides at open whether a store is encrypted: the store's meta record says so (written
 * when an encrypted store is created), and the settings must agree with it.
 */
final class StoreEncryption {

	private StoreEncryption() {
	}

	/**
	 * Opens the key store of an encrypted store, after checking the settings against the
	 * store.
	 * @param config the settings
	 * @param engine the open store
	 * @return the data keys, or null for a plain store opened without encryption
	 * @throws EncryptionException if the settings and the store disagree
	 */
	static @Nullable DataKeys open(VarveConfig config, StorageEngine engine) {
		byte[] record = engine.meta(KeyStoreFiles.META_KEY);
		if (record == null && config.encryption() == null) {
			return null;
		}
		if (config.encryption() == null) {
			throw new EncryptionException("The store at " + config.path() + " is encrypted; open it with its "
					+ "encryption settings: VarveBuilder.encryption(Encryption.of(keyProvider, keyStorePath)), or with "
					+ "Spring Boot varve.encryption.enabled=true, its master key and varve.encryption.key-store-path");
		}
		long head;
		try (ReadTxn txn = engine.beginRead()) {
			head = txn.headPosition();
		}
		if (record == null) {
			if (head > 0) {
				throw new EncryptionException("The store at " + config.path() + " holds " + head + " events stored in "
						+ "clear, so it cannot be encrypted in place. Open it without encryption, or copy its events "
						+ "into a new encrypted store through the API (readAll from position 1, append each event to its "
						+ "stream with its id, type, metadata and expected version), then switch to the new store");
			}
			throw new EncryptionException("The store at " + config.path() + " was created without encryption (it holds "
					+ "no event yet). An existing store cannot become encrypted: delete its directory and open it "
					+ "again with encryption, or open it without");
		}
		UUID storeId = KeyStoreFiles.storeIdOf(record, config.path());
		return DataKeys.open(config.encryption(), config.path(), storeId, head > 0, config.readOnly());
	}

}

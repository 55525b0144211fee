package io.varve.crypto;

import java.nio.file.Path;

import io.varve.InvalidArgumentException;

/**
 * Encryption at rest for a store: where its master keys come from and where its key store
 * (the file holding each stream's wrapped data key) lives. The key store must be outside
 * the store directory: a backup of the store then holds no key, and forgetting a stream
 * ({@code Varve.forget}) takes its key out of the one place it is.
 *
 * <pre>{@code
 * Varve varve = Varve.builder()
 *     .path(Path.of("varve-data"))
 *     .encryption(Encryption.of(LocalKeyProvider.fromFile(Path.of("/etc/varve/master.key")),
 *             Path.of("/var/lib/varve-keys/keys.log")))
 *     .open();
 * }</pre>
 *
 * @param keyProvider the master keys
 * @param keyStorePath the key store file, created if missing
 */
public record Encryption(KeyProvider keyProvider, Path keyStorePath) {

	public Encryption {
		if (keyProvider == null || keyStorePath == null) {
			throw new InvalidArgumentException("Encryption needs a key provider and a key store path, got "
					+ keyProvider + " and " + keyStorePath);
		}
	}

	/**
	 * Encryption with a key provider and a key store file.
	 * @param keyProvider the master keys
	 * @param keyStorePath the key store file, outside the store directory
	 * @return the setting
	 */
	public static Encryption of(KeyProvider keyProvider, Path keyStorePath) {
		return new Encryption(keyProvider, keyStorePath);
	}

}

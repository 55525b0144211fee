package io.varve.crypto;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import io.varve.EncryptionException;
import io.varve.InvalidArgumentException;

/**
 * Master keys held in this process's memory: read from a key file, a base64 string (a
 * configuration property) or an environment variable. Each key is 32 random bytes
 * (AES-256) and its id is derived from it ({@code local-} and 16 hex digits of a SHA-256
 * of the key), so that a store names the key it needs without anyone choosing ids. Wraps
 * data keys with AES-256-GCM (random 12-byte nonce, the context as associated data).
 * <p>
 * To rotate, give the new key as current and the old one as previous, call
 * {@code Varve.rotateKeys()}, then drop the old key:
 *
 * <pre>{@code
 * KeyProvider keys = LocalKeyProvider.fromFile(Path.of("/etc/varve/master-2025.key"))
 *     .withPrevious(LocalKeyProvider.fromFile(Path.of("/etc/varve/master-2024.key")));
 * }</pre>
 *
 * A key file holds the 32 bytes themselves or their base64 text; create one with
 * {@code head -c 32 /dev/urandom > master.key} (or {@link #generateKey()}) and let only
 * the application's user read it.
 */
public final class LocalKeyProvider implements KeyProvider {

	private static final int KEY_BYTES = 32;

	private static final int NONCE = 12;

	private static final int TAG_BITS = 128;

	private static final SecureRandom RANDOM = new SecureRandom();

	private final String currentId;

	/** Every key by id, the current one first. */
	private final Map<String, SecretKey> keys;

	private LocalKeyProvider(String currentId, Map<String, SecretKey> keys) {
		this.currentId = currentId;
		this.keys = keys;
	}

	/**
	 * A provider of one master key.
	 * @param key the 32 key bytes (copied)
	 * @return the provider
	 */
	public static LocalKeyProvider of(byte[] key) {
		if (key == null || key.length != KEY_BYTES) {
			throw new InvalidArgumentException("A master key is " + KEY_BYTES + " bytes (AES-256), got "
					+ ((key != null) ? key.length + " bytes" : "none") + "; create one with "
					+ "'head -c 32 /dev/urandom | base64'");
		}
		String id = keyIdOf(key);
		Map<String, SecretKey> keys = new LinkedHashMap<>();
		keys.put(id, new SecretKeySpec(key, "AES"));
		return new LocalKeyProvider(id, keys);
	}

	/**
	 * A provider of one master key given as base64 text (as a configuration property
	 * holds it).
	 * @param base64 the base64 of the 32 key bytes
	 * @return the provider
	 */
	public static LocalKeyProvider ofBase64(String base64) {
		if (base64 == null || base64.isBlank()) {
			throw new InvalidArgumentException("The master key is empty; give the base64 of 32 random bytes "
					+ "('head -c 32 /dev/urandom | base64')");
		}
		byte[] key;
		try {
			key = Base64.getDecoder().decode(base64.strip());
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidArgumentException("The master key is not valid base64: " + ex.getMessage());
		}
		try {
			return of(key);
		}
		finally {
			Arrays.fill(key, (byte) 0);
		}
	}

	/**
	 * A provider of the master key in a file: the 32 bytes themselves, or their base64
	 * text.
	 * @param file the key file
	 * @return the provider
	 */
	public static LocalKeyProvider fromFile(Path file) {
		if (file == null) {
			throw new InvalidArgumentException("Master key file must not be null");
		}
		byte[] content;
		try {
			content = Files.readAllBytes(file);
		}
		catch (IOException ex) {
			throw new EncryptionException("Could not read the master key file " + file.toAbsolutePath() + ": " + ex
					+ "; check the path and that this process may read it", ex);
		}
		try {
			if (content.length == KEY_BYTES) {
				return of(content);
			}
			return ofBase64(new String(content, StandardCharsets.US_ASCII));
		}
		catch (InvalidArgumentException ex) {
			throw new InvalidArgumentException("The master key file " + file.toAbsolutePath() + " holds neither 32 "
					+ "bytes nor their base64: " + ex.getMessage());
		}
		finally {
			Arrays.fill(content, (byte) 0);
		}
	}

	/**
	 * A provider of the master key in an environment variable, as base64.
	 * @param variable the variable's name
	 * @return the provider
	 */
	public static LocalKeyProvider fromEnvironment(String variable) {
		String value = (variable != null) ? System.getenv(variable) : null;
		if (value == null || value.isBlank()) {
			throw new EncryptionException("The environment variable " + variable + " holding the master key is not "
					+ "set; set it to the base64 of 32 random bytes");
		}
		return ofBase64(value);
	}

	/**
	 * A provider with this provider's current key, which can also unwrap what the other
	 * provider's keys wrapped: for rotating master keys.
	 * @param previous the provider of the keys being retired
	 * @return the combined provider
	 */
	public LocalKeyProvider withPrevious(LocalKeyProvider previous) {
		if (previous == null) {
			throw new InvalidArgumentException("Previous key provider must not be null");
		}
		Map<String, SecretKey> all = new LinkedHashMap<>(this.keys);
		previous.keys.forEach(all::putIfAbsent);
		return new LocalKeyProvider(this.currentId, all);
	}

	/**
	 * 32 random bytes from a {@link SecureRandom}, as base64: a new master key.
	 * @return the key's base64
	 */
	public static String generateKey() {
		byte[] key = new byte[KEY_BYTES];
		RANDOM.nextBytes(key);
		return Base64.getEncoder().encodeToString(key);
	}

	/**
	 * The id of a master key: {@code local-} and the first 8 bytes, in hex, of the
	 * SHA-256 of a fixed label and the key.
	 * @param key the key bytes
	 * @return the id
	 */
	public static String keyIdOf(byte[] key) {
		try {
			MessageDigest digest = MessageDigest.getInstance("SHA-256");
			digest.update("varve master key id\0".getBytes(StandardCharsets.US_ASCII));
			byte[] hash = digest.digest(key);
			return "local-" + HexFormat.of().formatHex(hash, 0, 8);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("SHA-256 is missing from this JDK", ex);
		}
	}

	@Override
	public String currentKeyId() {
		return this.currentId;
	}

	@Override
	public byte[] wrap(String keyId, byte[] dataKey, byte[] context) {
		try {
			byte[] wrapped = new byte[NONCE + dataKey.length + TAG_BITS / 8];
			byte[] nonce = new byte[NONCE];
			RANDOM.nextBytes(nonce);
			System.arraycopy(nonce, 0, wrapped, 0, NONCE);
			Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
			cipher.init(Cipher.ENCRYPT_MODE, key(keyId), new GCMParameterSpec(TAG_BITS, wrapped, 0, NONCE));
			cipher.updateAAD(context);
			cipher.doFinal(dataKey, 0, dataKey.length, wrapped, NONCE);
			return wrapped;
		}
		catch (GeneralSecurityException ex) {
			throw new EncryptionException("Could not wrap a data key with master key " + keyId + ": " + ex, ex);
		}
	}

	@Override
	public byte[] unwrap(String keyId, byte[] wrappedKey, byte[] context) {
		if (wrappedKey.length <= NONCE + TAG_BITS / 8) {
			throw new EncryptionException("A wrapped data key is " + wrappedKey.length + " bytes, too short");
		}
		try {
			Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
			cipher.init(Cipher.DECRYPT_MODE, key(keyId), new GCMParameterSpec(TAG_BITS, wrappedKey, 0, NONCE));
			cipher.updateAAD(context);
			return cipher.doFinal(wrappedKey, NONCE, wrappedKey.length - NONCE);
		}
		catch (GeneralSecurityException ex) {
			throw new EncryptionException("Master key " + keyId + " does not unwrap this data key (" + ex
					+ "): the key store was written with another key of that id, or it is damaged", ex);
		}
	}

	private SecretKey key(String keyId) {
		SecretKey key = this.keys.get(keyId);
		if (key == null) {
			throw new EncryptionException("This key provider has no master key " + keyId + " (it has "
					+ this.keys.keySet() + "); give the key that wrapped the store's data keys, as the current key "
					+ "or with withPrevious while rotating");
		}
		return key;
	}

	@Override
	public String toString() {
		return "LocalKeyProvider[current=" + this.currentId + ", keys=" + this.keys.keySet() + "]";
	}

}

package io.varve.crypto;

/**
 * Holds the master keys that wrap (encrypt) the per-stream data keys of an encrypted
 * store. Varve never sees a master key, only what this interface does with one: a
 * provider may keep its keys in memory ({@link LocalKeyProvider}) or call a key
 * management service that never lets them out (wrap and unwrap are then its encrypt and
 * decrypt calls).
 * <p>
 * Every master key has an id, recorded with each data key it wraps, so that a store can
 * hold data keys wrapped by several master keys while a rotation is under way
 * ({@code Varve.rotateKeys()} rewraps them all under {@link #currentKeyId()}). Varve
 * calls {@link #wrap} when a stream gets its data key and at rotation, and
 * {@link #unwrap} the first time a stream's key is used after the store opens (the
 * unwrapped key stays in memory until the store closes), so a slow provider costs once
 * per stream and process, not once per event.
 *
 * <pre>{@code
 * class KmsKeyProvider implements KeyProvider {
 *     public String currentKeyId() { return "arn:aws:kms:...:key/2024"; }
 *     public byte[] wrap(String keyId, byte[] dataKey, byte[] context) { return kms.encrypt(keyId, dataKey, context); }
 *     public byte[] unwrap(String keyId, byte[] wrapped, byte[] context) { return kms.decrypt(keyId, wrapped, context); }
 * }
 * }</pre> Implementations must be thread-safe.
 */
public interface KeyProvider {

	/**
	 * The id of the master key new data keys are wrapped with.
	 * @return a non-blank id of at most 255 UTF-8 bytes
	 */
	String currentKeyId();

	/**
	 * Wraps a data key with a master key.
	 * @param keyId the master key's id (Varve passes {@link #currentKeyId()})
	 * @param dataKey the 32-byte data key; do not keep it
	 * @param context bytes the wrapping must be bound to (authenticated, not secret): a
	 * wrapped key only unwraps with the same context
	 * @return the wrapped key, at most 65,535 bytes
	 * @throws RuntimeException if it cannot be wrapped
	 */
	byte[] wrap(String keyId, byte[] dataKey, byte[] context);

	/**
	 * Unwraps a data key that {@link #wrap} wrapped.
	 * @param keyId the id of the master key that wrapped it
	 * @param wrappedKey the wrapped key
	 * @param context the context it was wrapped with
	 * @return the 32-byte data key
	 * @throws RuntimeException if the provider does not have that master key, or the
	 * wrapped key or context do not match
	 */
	byte[] unwrap(String keyId, byte[] wrappedKey, byte[] context);

}

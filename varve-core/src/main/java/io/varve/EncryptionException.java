package io.varve;

/**
 * Encryption at rest is configured wrongly, or a key cannot be used: an encrypted store
 * opened without encryption, encryption asked of a plain store, a key store that is
 * missing or belongs to another store, or a master key the
 * {@link io.varve.crypto.KeyProvider} does not have. The message says which and what to
 * do.
 */
public class EncryptionException extends VarveException {

	private static final long serialVersionUID = 1L;

	public EncryptionException(String message) {
		super(message);
	}

	public EncryptionException(String message, Throwable cause) {
		super(message, cause);
	}

}

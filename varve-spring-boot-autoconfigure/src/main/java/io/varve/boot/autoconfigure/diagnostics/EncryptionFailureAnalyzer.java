package io.varve.boot.autoconfigure.diagnostics;

import org.springframework.core.env.Environment;

import io.varve.EncryptionException;

/**
 * Explains a store whose encryption settings do not fit it: an encrypted store opened
 * without encryption or with the wrong master key, encryption asked of a plain store, a
 * key store that is missing or another store's.
 */
final class EncryptionFailureAnalyzer extends VarveFailureAnalyzer<EncryptionException> {

	EncryptionFailureAnalyzer(Environment environment) {
		super(environment);
	}

	@Override
	String summary(EncryptionException cause) {
		return "Varve could not open its store: its encryption settings do not fit the store.";
	}

	@Override
	String setting(EncryptionException cause) {
		return super.setting(cause) + describe("varve.encryption.enabled", false)
				+ describe("varve.encryption.key-store-path", "none");
	}

	@Override
	String action(EncryptionException cause) {
		return "Open an encrypted store with varve.encryption.enabled=true, its master key "
				+ "(varve.encryption.master-key, varve.encryption.master-key-file or a KeyProvider bean) and its own "
				+ "key store (varve.encryption.key-store-path); open a plain store without encryption.";
	}

}

package io.varve.core.storage;

import org.agrona.DirectBuffer;

/**
 * Helpers for stored keys.
 */
public final class Keys {

	private Keys() {
	}

	/**
	 * Whether a key begins with a prefix.
	 * @param key the key
	 * @param prefix the prefix, possibly empty
	 * @return true if the key's first bytes are the prefix
	 */
	public static boolean startsWith(DirectBuffer key, byte[] prefix) {
		if (key.capacity() < prefix.length) {
			return false;
		}
		for (int i = 0; i < prefix.length; i++) {
			if (key.getByte(i) != prefix[i]) {
				return false;
			}
		}
		return true;
	}

}

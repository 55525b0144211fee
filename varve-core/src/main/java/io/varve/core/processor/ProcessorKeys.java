package io.varve.core.processor;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.agrona.DirectBuffer;

import io.varve.CorruptDataException;
import io.varve.InvalidArgumentException;
import io.varve.core.codec.Names;

/**
 * Keys of the processor tables.
 * <ul>
 * <li>checkpoints: the processor name in UTF-8;</li>
 * <li>parked events: the processor name, a zero byte (names hold no control characters,
 * so it cannot occur in a name) and the big-endian position, so that a processor's
 * entries sort together in position order;</li>
 * <li>projections: the table name's length (one byte), the table name and the key, so
 * that a table's entries sort together in key order; for a table's generation 1 (see
 * {@link ProjectionTables}), a zero byte first, which no length byte of generation 0 can
 * be.</li>
 * </ul>
 */
final class ProcessorKeys {

	/** The storage engine's key limit. */
	static final int MAX_KEY = 511;

	private ProcessorKeys() {
	}

	static byte[] checkpoint(String processor) {
		return processor.getBytes(StandardCharsets.UTF_8);
	}

	static byte[] parkedPrefix(String processor) {
		byte[] name = processor.getBytes(StandardCharsets.UTF_8);
		return Arrays.copyOf(name, name.length + 1);
	}

	static byte[] parked(String processor, long position) {
		byte[] prefix = parkedPrefix(processor);
		byte[] key = Arrays.copyOf(prefix, prefix.length + 8);
		for (int i = 0; i < 8; i++) {
			key[prefix.length + i] = (byte) (position >>> (56 - 8 * i));
		}
		return key;
	}

	/**
	 * The position in a parked entry's key.
	 * @param key the key, which starts with the processor's parked prefix
	 * @param prefixLength the prefix's length
	 * @return the position
	 * @throws CorruptDataException if the key is not the prefix and 8 bytes (a damaged
	 * store file)
	 */
	static long parkedPosition(DirectBuffer key, int prefixLength) {
		if (key.capacity() != prefixLength + 8) {
			throw new CorruptDataException("The store file is damaged: a parked-event key is " + key.capacity()
					+ " bytes where " + (prefixLength + 8) + " were expected. Restore the store from a backup");
		}
		return key.getLong(prefixLength, java.nio.ByteOrder.BIG_ENDIAN);
	}

	/**
	 * The key prefix of a projection table, checking the table name.
	 * @param table the table name
	 * @return the prefix
	 */
	static byte[] tablePrefix(String table) {
		byte[] name = Names.name("projection table name", table);
		byte[] prefix = new byte[name.length + 1];
		prefix[0] = (byte) name.length;
		System.arraycopy(name, 0, prefix, 1, name.length);
		return prefix;
	}

	/**
	 * The key prefix of one generation of a projection table, checking the table name.
	 * @param table the table name
	 * @param generation 0 or 1
	 * @return the prefix
	 */
	static byte[] tablePrefix(String table, int generation) {
		byte[] prefix = tablePrefix(table);
		if (generation == 0) {
			return prefix;
		}
		byte[] other = new byte[prefix.length + 1];
		System.arraycopy(prefix, 0, other, 1, prefix.length);
		return other;
	}

	/**
	 * The full key of a projection entry, checking the key.
	 * @param prefix the table's prefix
	 * @param table the table name, for messages
	 * @param key the key
	 * @return the stored key
	 */
	static byte[] projection(byte[] prefix, String table, String key) {
		byte[] bytes = keyBytes(table, key);
		if (prefix.length + bytes.length > MAX_KEY) {
			throw new InvalidArgumentException("Projection key '" + abbreviate(key) + "' in table '" + table + "' is "
					+ bytes.length + " bytes of UTF-8; keys of this table may be at most " + (MAX_KEY - prefix.length)
					+ " bytes (the table name and the key share " + MAX_KEY
					+ "). Use a shorter key (for example a hash of it)");
		}
		byte[] full = Arrays.copyOf(prefix, prefix.length + bytes.length);
		System.arraycopy(bytes, 0, full, prefix.length, bytes.length);
		return full;
	}

	/**
	 * Encodes a key strictly: an unpaired surrogate would otherwise turn into '?' and
	 * collide with other keys.
	 */
	static byte[] keyBytes(String table, String key) {
		if (key == null || key.isEmpty()) {
			throw new InvalidArgumentException("Projection key in table '" + table + "' must not be null or empty");
		}
		if (!hasSurrogate(key)) {
			// Without surrogates every string is well-formed: the JDK's encoder is exact.
			return key.getBytes(StandardCharsets.UTF_8);
		}
		try {
			ByteBuffer encoded = StandardCharsets.UTF_8.newEncoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.encode(CharBuffer.wrap(key));
			byte[] bytes = new byte[encoded.remaining()];
			encoded.get(bytes);
			return bytes;
		}
		catch (CharacterCodingException ex) {
			throw new InvalidArgumentException("Projection key '" + abbreviate(key) + "' in table '" + table
					+ "' is not well-formed text (it has an unpaired surrogate character)", ex);
		}
	}

	private static boolean hasSurrogate(String key) {
		for (int i = 0; i < key.length(); i++) {
			if (Character.isSurrogate(key.charAt(i))) {
				return true;
			}
		}
		return false;
	}

	/** Orders strings as their UTF-8 bytes sort, which is code point order. */
	static int compareKeys(String a, String b) {
		int i = 0;
		int j = 0;
		while (i < a.length() && j < b.length()) {
			int ca = a.codePointAt(i);
			int cb = b.codePointAt(j);
			if (ca != cb) {
				return Integer.compare(ca, cb);
			}
			i += Character.charCount(ca);
			j += Character.charCount(cb);
		}
		return Integer.compare(a.length() - i, b.length() - j);
	}

	private static String abbreviate(String key) {
		return (key.length() > 40) ? key.substring(0, 40) + "..." : key;
	}

}

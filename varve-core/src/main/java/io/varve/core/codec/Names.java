package io.varve.core.codec;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;

import org.jspecify.annotations.Nullable;

import io.varve.InvalidArgumentException;
import io.varve.InvalidStreamNameException;

/**
 * Validation and UTF-8 encoding of the names Varve stores: stream names, event type
 * names, processor and table names. Names are 1 to 255 bytes of well-formed UTF-8 in
 * Unicode NFC, with no leading or trailing white space and no character that is invisible
 * or looks like another: no controls, no format characters (category Cf, such as U+202E
 * RIGHT-TO-LEFT OVERRIDE or U+200B ZERO WIDTH SPACE), no line or paragraph separators and
 * no spaces but U+0020. Otherwise two names that look the same could name two streams, or
 * a name could display as something it is not. Plain ASCII names, the usual case, are
 * checked in one pass without any Unicode tables.
 */
public final class Names {

	/** Longest name in UTF-8 bytes. */
	public static final int MAX_NAME_BYTES = 255;

	private Names() {
	}

	/**
	 * Checks a stream name and returns its UTF-8 bytes.
	 * @param stream the name
	 * @return its UTF-8 encoding
	 * @throws InvalidStreamNameException if the name is not allowed
	 */
	public static byte[] streamName(String stream) {
		String problem = problem(stream);
		if (problem != null) {
			throw new InvalidStreamNameException("Invalid stream name " + quote(stream) + ": " + problem
					+ ". Stream names are 1 to " + MAX_NAME_BYTES
					+ " bytes of UTF-8 text in Unicode NFC without invisible characters, such as 'account-42'");
		}
		return stream.getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * Checks any other name (event type, processor, table) and returns its UTF-8 bytes.
	 * @param what what the name is of, for the message
	 * @param name the name
	 * @return its UTF-8 encoding
	 * @throws InvalidArgumentException if the name is not allowed
	 */
	public static byte[] name(String what, String name) {
		String problem = problem(name);
		if (problem != null) {
			throw new InvalidArgumentException(
					"Invalid " + what + " " + quote(name) + ": " + problem + ". A " + what + " is 1 to "
							+ MAX_NAME_BYTES + " bytes of UTF-8 text in Unicode NFC without invisible characters");
		}
		return name.getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * Decodes UTF-8 strictly.
	 * @param bytes the bytes
	 * @param offset where the text starts
	 * @param length its length in bytes
	 * @return the text
	 * @throws CharacterCodingException if the bytes are not well-formed UTF-8
	 */
	public static String decodeUtf8(byte[] bytes, int offset, int length) throws CharacterCodingException {
		// Fast path: plain ASCII needs no decoder.
		boolean ascii = true;
		for (int i = offset; i < offset + length; i++) {
			if (bytes[i] < 0) {
				ascii = false;
				break;
			}
		}
		if (ascii) {
			return new String(bytes, offset, length, StandardCharsets.US_ASCII);
		}
		return StandardCharsets.UTF_8.newDecoder()
			.onMalformedInput(CodingErrorAction.REPORT)
			.onUnmappableCharacter(CodingErrorAction.REPORT)
			.decode(ByteBuffer.wrap(bytes, offset, length))
			.toString();
	}

	private static String problem(String name) {
		if (name == null) {
			return "it is null";
		}
		if (name.isBlank()) {
			return "it is blank";
		}
		if (Character.isWhitespace(name.charAt(0)) || Character.isWhitespace(name.charAt(name.length() - 1))) {
			return "it starts or ends with white space";
		}
		boolean ascii = true;
		for (int i = 0; i < name.length(); i++) {
			char c = name.charAt(i);
			if (c < 0x80) {
				if (c < 0x20 || c == 0x7F) {
					return "it contains the control character " + describe(c) + " at index " + i;
				}
				continue;
			}
			ascii = false;
			int codePoint = name.codePointAt(i);
			if (Character.isSurrogate(c) && !Character.isSupplementaryCodePoint(codePoint)) {
				return "it contains an unpaired surrogate character at index " + i;
			}
			String kind = invisibleKind(codePoint);
			if (kind != null) {
				return "it contains " + kind + " " + describe(codePoint) + " at index " + i
						+ ", which looks like nothing or like a plain space; remove it";
			}
			i += Character.charCount(codePoint) - 1;
		}
		if (ascii) {
			// ASCII text is in NFC and one byte a character.
			return (name.length() > MAX_NAME_BYTES) ? tooLong(name.length()) : null;
		}
		if (!Normalizer.isNormalized(name, Normalizer.Form.NFC)) {
			int at = firstUnnormalized(name);
			return "it is not in Unicode NFC form: " + describe(name.codePointAt(at)) + " at index " + at
					+ " would be composed with what precedes it (or replaced), so the same text has another spelling; "
					+ "normalise the name with java.text.Normalizer.normalize(name, Normalizer.Form.NFC)";
		}
		// Surrogates are paired by now, so the encoding is exact.
		int bytes = name.getBytes(StandardCharsets.UTF_8).length;
		return (bytes > MAX_NAME_BYTES) ? tooLong(bytes) : null;
	}

	/**
	 * What kind of invisible or look-alike character a code point is, or null: controls,
	 * format characters (Unicode category Cf: bidirectional overrides, zero-width
	 * characters), line and paragraph separators, and spaces other than U+0020.
	 */
	private static @Nullable String invisibleKind(int codePoint) {
		switch (Character.getType(codePoint)) {
			case Character.CONTROL:
				return "the control character";
			case Character.FORMAT:
				return "the format character";
			case Character.LINE_SEPARATOR:
			case Character.PARAGRAPH_SEPARATOR:
				return "the separator";
			case Character.SPACE_SEPARATOR:
				return "the space character";
			default:
				return null;
		}
	}

	/** Index of the character at which the name's longest NFC prefix ends. */
	private static int firstUnnormalized(String name) {
		int i = 0;
		while (i < name.length()) {
			int next = i + Character.charCount(name.codePointAt(i));
			if (!Normalizer.isNormalized(name.substring(0, next), Normalizer.Form.NFC)) {
				return i;
			}
			i = next;
		}
		return 0;
	}

	private static String describe(int codePoint) {
		String name = Character.getName(codePoint);
		return String.format("U+%04X", codePoint) + ((name != null) ? " " + name : "");
	}

	private static String tooLong(int bytes) {
		return "it is " + bytes + " bytes long in UTF-8, more than the limit of " + MAX_NAME_BYTES;
	}

	private static String quote(String name) {
		if (name == null) {
			return "null";
		}
		String shown = (name.length() > 60) ? name.substring(0, 60) + "..." : name;
		StringBuilder sb = new StringBuilder("'");
		for (char c : shown.toCharArray()) {
			// Shown escaped, so that the message itself is not reordered or broken.
			boolean invisible = c >= 0x80 && !Character.isSurrogate(c) && invisibleKind(c) != null;
			sb.append((Character.isISOControl(c) || invisible) ? String.format("\\u%04x", (int) c) : String.valueOf(c));
		}
		return sb.append('\'').toString();
	}

}

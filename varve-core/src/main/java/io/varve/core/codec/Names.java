package io.varve.core.codec;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import io.varve.InvalidArgumentException;
import io.varve.InvalidStreamNameException;

/**
 * Validation and UTF-8 encoding of the names Varve stores: stream names, event type
 * names, processor and table names. Names are 1 to 255 bytes of well-formed UTF-8 with no
 * control characters and no leading or trailing white space.
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
			throw new InvalidStreamNameException(
					"Invalid stream name " + quote(stream) + ": " + problem + ". Stream names are 1 to "
							+ MAX_NAME_BYTES + " bytes of UTF-8 text without control characters, such as 'account-42'");
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
			throw new InvalidArgumentException("Invalid " + what + " " + quote(name) + ": " + problem + ". A " + what
					+ " is 1 to " + MAX_NAME_BYTES + " bytes of UTF-8 text without control characters");
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
		for (int i = 0; i < name.length(); i++) {
			char c = name.charAt(i);
			if (Character.isISOControl(c)) {
				return "it contains the control character U+" + String.format("%04X", (int) c) + " at index " + i;
			}
			if (Character.isHighSurrogate(c)) {
				if (i + 1 < name.length() && Character.isLowSurrogate(name.charAt(i + 1))) {
					i++;
					continue;
				}
				return "it contains an unpaired surrogate character at index " + i;
			}
			if (Character.isLowSurrogate(c)) {
				return "it contains an unpaired surrogate character at index " + i;
			}
		}
		// Surrogates are paired by now, so the encoding is exact.
		int bytes = name.getBytes(StandardCharsets.UTF_8).length;
		if (bytes > MAX_NAME_BYTES) {
			return "it is " + bytes + " bytes long in UTF-8, more than the limit of " + MAX_NAME_BYTES;
		}
		return null;
	}

	private static String quote(String name) {
		if (name == null) {
			return "null";
		}
		String shown = (name.length() > 60) ? name.substring(0, 60) + "..." : name;
		StringBuilder sb = new StringBuilder("'");
		for (char c : shown.toCharArray()) {
			sb.append(Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c));
		}
		return sb.append('\'').toString();
	}

}

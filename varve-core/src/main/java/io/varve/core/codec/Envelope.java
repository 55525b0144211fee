package io.varve.core.codec;

import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import io.varve.CorruptDataException;

/**
 * The binary layout of a stored event. All integers are big-endian.
 *
 * <pre>
 * offset size field
 *   0     1   format (1)
 *   1     1   flags: 1 = correlation id, 2 = causation id, 4 = metadata, 8 = schema version,
 *                    16 = encrypted (metadata and payload sealed),
 *                    32 = a record of the store's own (a deletion), at version 0 of no stream's
 *                    versions
 *   2     1   type name length T (1..255)
 *   3     1   stream name length S (1..255)
 *   4     4   payload length P
 *   8     8   global position
 *  16     8   stream version
 *  24     8   timestamp, microseconds since the epoch
 *  32     8   position of the stream's previous event, 0 for its first
 *  40    16   event id
 *  56   [16]  correlation id, if flagged
 *   .   [16]  causation id, if flagged
 *   .   [4]   schema version (2 or more), if flagged; without it the event is version 1
 *   .   [4+M] metadata length M and Smile metadata, if flagged
 *   .     T   type name, UTF-8
 *   .     S   stream name, UTF-8
 *   .     P   Smile payload
 *   .     4   CRC32C of everything before it (little-endian), added when stored
 * </pre>
 *
 * Position, version, timestamp and previous position sit at fixed offsets so that the
 * writer can stamp an envelope that the caller's thread encoded, and so that scans can
 * read them without parsing the variable part. The previous position chains a stream's
 * events backwards, so the positions of a stream's newest events need no index of their
 * own. The checksum is added by the writer once the envelope is stamped, and checked
 * whenever an event is read ({@link EnvelopeChecksum}): a damaged byte anywhere in a
 * stored event is found, not returned.
 * <p>
 * An encrypted event ({@link #FLAG_ENCRYPTED}, stores opened with encryption) keeps every
 * field up to the stream name in clear (indexes and filters need them) and has no
 * metadata field of its own: its payload slot holds one sealed region instead,
 *
 * <pre>
 *   8   data key id (the stream's key in the key store)
 *  12   nonce
 *   .   AES-256-GCM ciphertext of: metadata length M (4, -1 for none), metadata, payload
 *  16   GCM tag
 * </pre>
 *
 * whose associated data is every byte before the sealed region plus the data key id, so
 * that the region cannot be moved to another position, version or stream ({@code
 * io.varve.core.crypto.EventCipher}).
 */
public final class Envelope {

	/** Format byte of this layout. */
	public static final byte FORMAT = 1;

	public static final int FLAG_CORRELATION = 1;

	public static final int FLAG_CAUSATION = 2;

	public static final int FLAG_METADATA = 4;

	public static final int FLAG_SCHEMA_VERSION = 8;

	/** Metadata and payload are sealed in the payload slot (see the class comment). */
	public static final int FLAG_ENCRYPTED = 16;

	/** Smallest sealed region: key id, nonce, metadata length and tag. */
	public static final int MIN_SEALED = 8 + 12 + 4 + 16;

	/**
	 * A record of the store's own in the log, such as a deletion: version 0, not one of
	 * its stream's versions, read only by processors that ask for it.
	 */
	public static final int FLAG_SYSTEM = 32;

	private static final int KNOWN_FLAGS = FLAG_CORRELATION | FLAG_CAUSATION | FLAG_METADATA | FLAG_SCHEMA_VERSION
			| FLAG_ENCRYPTED | FLAG_SYSTEM;

	static final int OFFSET_FLAGS = 1;

	static final int OFFSET_TYPE_LENGTH = 2;

	static final int OFFSET_STREAM_LENGTH = 3;

	static final int OFFSET_PAYLOAD_LENGTH = 4;

	public static final int OFFSET_POSITION = 8;

	public static final int OFFSET_VERSION = 16;

	public static final int OFFSET_TIMESTAMP = 24;

	public static final int OFFSET_PREVIOUS = 32;

	public static final int OFFSET_ID = 40;

	/** Size of the fixed header. */
	public static final int HEADER = 56;

	/** Size of the checksum that ends a stored envelope. */
	public static final int CHECKSUM = 4;

	private static final ByteOrder ORDER = ByteOrder.BIG_ENDIAN;

	private Envelope() {
	}

	/**
	 * Encodes an envelope with position, version and timestamp left at zero, to be
	 * stamped by the writer.
	 * @param id the event id
	 * @param correlationId the correlation id or null
	 * @param causationId the causation id or null
	 * @param type the type name in UTF-8
	 * @param schemaVersion the schema version, at least 1
	 * @param stream the stream name in UTF-8
	 * @param metadata Smile metadata or null
	 * @param payload Smile payload
	 * @return the envelope bytes
	 */
	public static byte[] encode(UUID id, UUID correlationId, UUID causationId, byte[] type, int schemaVersion,
			byte[] stream, byte[] metadata, byte[] payload) {
		int size = variableStart(flags(correlationId, causationId, metadata != null, schemaVersion)) + type.length
				+ stream.length + payload.length + ((metadata != null) ? 4 + metadata.length : 0);
		byte[] bytes = new byte[size];
		int offset = writeHeader(bytes, 0, id, correlationId, causationId, schemaVersion, metadata != null, type.length,
				stream.length);
		if (metadata != null) {
			putInt(bytes, offset, metadata.length);
			System.arraycopy(metadata, 0, bytes, offset + 4, metadata.length);
			offset += 4 + metadata.length;
		}
		System.arraycopy(type, 0, bytes, offset, type.length);
		offset += type.length;
		System.arraycopy(stream, 0, bytes, offset, stream.length);
		offset += stream.length;
		System.arraycopy(payload, 0, bytes, offset, payload.length);
		setPayloadLength(bytes, 0, payload.length);
		return bytes;
	}

	/**
	 * Size of the fixed header plus the optional ids: where the metadata length (or, with
	 * no metadata, the type name) starts.
	 * @param correlationId the correlation id or null
	 * @param causationId the causation id or null
	 * @param schemaVersion the schema version, at least 1
	 * @return the size in bytes
	 */
	public static int idsEnd(UUID correlationId, UUID causationId, int schemaVersion) {
		return variableStart(flags(correlationId, causationId, false, schemaVersion));
	}

	/**
	 * Writes the fixed header and the optional ids of an envelope, with position,
	 * version, timestamp and previous position left at zero (the writer stamps them) and
	 * the payload length at zero (see {@link #setPayloadLength}).
	 * @param bytes the target, with room for {@link #idsEnd} bytes at {@code start}
	 * @param start where the envelope starts
	 * @param id the event id
	 * @param correlationId the correlation id or null
	 * @param causationId the causation id or null
	 * @param schemaVersion the schema version, at least 1 (written only when above 1)
	 * @param hasMetadata whether metadata follows the ids
	 * @param typeLength the type name's length in bytes, 1 to 255
	 * @param streamLength the stream name's length in bytes, 1 to 255
	 * @return the offset after the ids
	 */
	public static int writeHeader(byte[] bytes, int start, UUID id, UUID correlationId, UUID causationId,
			int schemaVersion, boolean hasMetadata, int typeLength, int streamLength) {
		int flags = flags(correlationId, causationId, hasMetadata, schemaVersion);
		Arrays.fill(bytes, start, start + HEADER, (byte) 0);
		bytes[start] = FORMAT;
		bytes[start + OFFSET_FLAGS] = (byte) flags;
		bytes[start + OFFSET_TYPE_LENGTH] = (byte) typeLength;
		bytes[start + OFFSET_STREAM_LENGTH] = (byte) streamLength;
		putUuid(bytes, start + OFFSET_ID, id);
		int offset = start + HEADER;
		if (correlationId != null) {
			putUuid(bytes, offset, correlationId);
			offset += 16;
		}
		if (causationId != null) {
			putUuid(bytes, offset, causationId);
			offset += 16;
		}
		if (schemaVersion > 1) {
			putInt(bytes, offset, schemaVersion);
			offset += 4;
		}
		return offset;
	}

	/**
	 * Sets the payload length of an envelope written by {@link #writeHeader}.
	 * @param bytes the buffer
	 * @param start where the envelope starts
	 * @param length the payload length
	 */
	public static void setPayloadLength(byte[] bytes, int start, int length) {
		putInt(bytes, start + OFFSET_PAYLOAD_LENGTH, length);
	}

	/**
	 * Writes a big-endian int, as the envelope stores its lengths.
	 * @param bytes the buffer
	 * @param offset where
	 * @param value the value
	 */
	public static void putInt(byte[] bytes, int offset, int value) {
		bytes[offset] = (byte) (value >>> 24);
		bytes[offset + 1] = (byte) (value >>> 16);
		bytes[offset + 2] = (byte) (value >>> 8);
		bytes[offset + 3] = (byte) value;
	}

	private static int flags(UUID correlationId, UUID causationId, boolean hasMetadata, int schemaVersion) {
		int flags = (schemaVersion > 1) ? FLAG_SCHEMA_VERSION : 0;
		if (correlationId != null) {
			flags |= FLAG_CORRELATION;
		}
		if (causationId != null) {
			flags |= FLAG_CAUSATION;
		}
		if (hasMetadata) {
			flags |= FLAG_METADATA;
		}
		return flags;
	}

	/**
	 * Writes position, version, timestamp and previous position into an envelope in
	 * place.
	 * @param buffer the buffer holding the envelope at offset 0
	 * @param position the global position
	 * @param version the stream version
	 * @param timestampMicros the commit time in microseconds since the epoch
	 * @param previousPosition the position of the stream's previous event, 0 for version
	 * 1
	 */
	public static void stamp(MutableDirectBuffer buffer, long position, long version, long timestampMicros,
			long previousPosition) {
		buffer.putLong(OFFSET_POSITION, position, ORDER);
		buffer.putLong(OFFSET_VERSION, version, ORDER);
		buffer.putLong(OFFSET_TIMESTAMP, timestampMicros, ORDER);
		buffer.putLong(OFFSET_PREVIOUS, previousPosition, ORDER);
	}

	/**
	 * Checks that the bytes form a structurally valid envelope: format, flags and lengths
	 * add up to the buffer's length exactly.
	 * @param buffer the envelope, starting at offset 0 and {@code buffer.capacity()} long
	 * @throws CorruptDataException if they do not
	 */
	public static void validate(DirectBuffer buffer) {
		String problem = problem(buffer);
		if (problem != null) {
			throw new CorruptDataException("Stored event envelope is corrupt: " + problem
					+ ". The store file is damaged; restore it from a backup (see Varve.backup)");
		}
	}

	/**
	 * What is structurally wrong with an envelope, if anything. Reads only the fixed
	 * header and the metadata length, so that a length stored in a damaged envelope is
	 * checked against the envelope's size before anything relies on it.
	 * @param buffer the envelope, starting at offset 0 and {@code buffer.capacity()} long
	 * @return the problem, or null when the envelope is sound
	 */
	public static @Nullable String problem(DirectBuffer buffer) {
		int length = buffer.capacity();
		if (length < HEADER) {
			return "it is " + length + " bytes, shorter than the " + HEADER + "-byte header";
		}
		if (buffer.getByte(0) != FORMAT) {
			return "its format byte is " + buffer.getByte(0) + ", not " + FORMAT;
		}
		int flags = buffer.getByte(OFFSET_FLAGS) & 0xff;
		if ((flags & ~KNOWN_FLAGS) != 0) {
			return "it has unknown flags " + Integer.toBinaryString(flags);
		}
		int typeLength = buffer.getByte(OFFSET_TYPE_LENGTH) & 0xff;
		int streamLength = buffer.getByte(OFFSET_STREAM_LENGTH) & 0xff;
		if (typeLength == 0 || streamLength == 0) {
			return "its type or stream name is empty";
		}
		long payloadLength = buffer.getInt(OFFSET_PAYLOAD_LENGTH, ORDER);
		if (payloadLength < 0) {
			return "its payload length is negative";
		}
		if ((flags & FLAG_ENCRYPTED) != 0 && ((flags & FLAG_METADATA) != 0 || payloadLength < MIN_SEALED)) {
			return "it is flagged encrypted but has a metadata field or a sealed region shorter than " + MIN_SEALED
					+ " bytes";
		}
		long expected = HEADER + typeLength + streamLength + payloadLength;
		int offset = variableStart(flags);
		if ((flags & FLAG_SCHEMA_VERSION) != 0 && (offset > length || buffer.getInt(offset - 4, ORDER) < 2)) {
			return "its schema version is missing or below 2";
		}
		if ((flags & FLAG_METADATA) != 0) {
			if (offset + 4 > length) {
				return "its metadata length lies past its end";
			}
			long metadataLength = buffer.getInt(offset, ORDER);
			if (metadataLength < 0) {
				return "its metadata length is negative";
			}
			expected += 4 + metadataLength;
		}
		expected += offset - HEADER + CHECKSUM;
		if (expected != length) {
			return "its fields add up to " + expected + " bytes but it is " + length;
		}
		long position = buffer.getLong(OFFSET_POSITION, ORDER);
		long version = buffer.getLong(OFFSET_VERSION, ORDER);
		long previous = buffer.getLong(OFFSET_PREVIOUS, ORDER);
		if ((flags & FLAG_SYSTEM) != 0) {
			return (position < 1 || version != 0 || previous != 0) ? "it is a store record at position " + position
					+ " with version " + version + " and previous " + previous + " instead of 0" : null;
		}
		if (position < 1 || version < 1) {
			return "its position or version is not positive";
		}
		if (previous < 0 || previous >= position || (version == 1) != (previous == 0)) {
			return "its previous position " + previous + " does not fit position " + position + " and version "
					+ version;
		}
		return null;
	}

	/**
	 * Whether a valid envelope belongs to a stream.
	 * @param buffer the envelope
	 * @param stream the stream name in UTF-8
	 * @return whether its stream name is exactly those bytes
	 */
	public static boolean isOfStream(DirectBuffer buffer, byte[] stream) {
		if (streamLength(buffer) != stream.length) {
			return false;
		}
		int offset = streamOffset(buffer);
		for (int i = 0; i < stream.length; i++) {
			if (buffer.getByte(offset + i) != stream[i]) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Whether a valid envelope is a record of the store's own ({@link #FLAG_SYSTEM}).
	 * @param buffer the envelope
	 * @return whether it is
	 */
	public static boolean isSystem(DirectBuffer buffer) {
		return (buffer.getByte(OFFSET_FLAGS) & FLAG_SYSTEM) != 0;
	}

	/**
	 * Marks an encoded envelope as a record of the store's own.
	 * @param bytes the envelope
	 */
	public static void markSystem(byte[] bytes) {
		bytes[OFFSET_FLAGS] |= FLAG_SYSTEM;
	}

	public static long position(DirectBuffer buffer) {
		return buffer.getLong(OFFSET_POSITION, ORDER);
	}

	public static long version(DirectBuffer buffer) {
		return buffer.getLong(OFFSET_VERSION, ORDER);
	}

	/** Position of the stream's previous event, 0 for its first. */
	public static long previousPosition(DirectBuffer buffer) {
		return buffer.getLong(OFFSET_PREVIOUS, ORDER);
	}

	public static long timestampMicros(DirectBuffer buffer) {
		return buffer.getLong(OFFSET_TIMESTAMP, ORDER);
	}

	public static UUID id(DirectBuffer buffer) {
		return uuid(buffer, OFFSET_ID);
	}

	public static int flags(DirectBuffer buffer) {
		return buffer.getByte(OFFSET_FLAGS) & 0xff;
	}

	/** Whether the event's metadata and payload are sealed (see the class comment). */
	public static boolean isEncrypted(DirectBuffer buffer) {
		return (flags(buffer) & FLAG_ENCRYPTED) != 0;
	}

	public static @Nullable UUID correlationId(DirectBuffer buffer) {
		return ((flags(buffer) & FLAG_CORRELATION) != 0) ? uuid(buffer, HEADER) : null;
	}

	public static @Nullable UUID causationId(DirectBuffer buffer) {
		int flags = flags(buffer);
		if ((flags & FLAG_CAUSATION) == 0) {
			return null;
		}
		return uuid(buffer, HEADER + (((flags & FLAG_CORRELATION) != 0) ? 16 : 0));
	}

	/** The schema version the event was written with: 1 unless flagged. */
	public static int schemaVersion(DirectBuffer buffer) {
		int flags = flags(buffer);
		return ((flags & FLAG_SCHEMA_VERSION) != 0) ? buffer.getInt(variableStart(flags) - 4, ORDER) : 1;
	}

	/** Offset of the metadata bytes (after their length), or -1 when there is none. */
	public static int metadataOffset(DirectBuffer buffer) {
		int flags = flags(buffer);
		return ((flags & FLAG_METADATA) != 0) ? variableStart(flags) + 4 : -1;
	}

	public static int metadataLength(DirectBuffer buffer) {
		int flags = flags(buffer);
		return ((flags & FLAG_METADATA) != 0) ? buffer.getInt(variableStart(flags), ORDER) : 0;
	}

	public static int typeOffset(DirectBuffer buffer) {
		int flags = flags(buffer);
		int offset = variableStart(flags);
		if ((flags & FLAG_METADATA) != 0) {
			offset += 4 + buffer.getInt(offset, ORDER);
		}
		return offset;
	}

	public static int typeLength(DirectBuffer buffer) {
		return buffer.getByte(OFFSET_TYPE_LENGTH) & 0xff;
	}

	public static int streamOffset(DirectBuffer buffer) {
		return typeOffset(buffer) + typeLength(buffer);
	}

	public static int streamLength(DirectBuffer buffer) {
		return buffer.getByte(OFFSET_STREAM_LENGTH) & 0xff;
	}

	public static int payloadOffset(DirectBuffer buffer) {
		return streamOffset(buffer) + streamLength(buffer);
	}

	public static int payloadLength(DirectBuffer buffer) {
		return buffer.getInt(OFFSET_PAYLOAD_LENGTH, ORDER);
	}

	private static int variableStart(int flags) {
		int offset = HEADER;
		if ((flags & FLAG_CORRELATION) != 0) {
			offset += 16;
		}
		if ((flags & FLAG_CAUSATION) != 0) {
			offset += 16;
		}
		if ((flags & FLAG_SCHEMA_VERSION) != 0) {
			offset += 4;
		}
		return offset;
	}

	private static UUID uuid(DirectBuffer buffer, int offset) {
		return new UUID(buffer.getLong(offset, ORDER), buffer.getLong(offset + 8, ORDER));
	}

	private static void putUuid(byte[] bytes, int offset, UUID id) {
		putLong(bytes, offset, id.getMostSignificantBits());
		putLong(bytes, offset + 8, id.getLeastSignificantBits());
	}

	private static void putLong(byte[] bytes, int offset, long value) {
		putInt(bytes, offset, (int) (value >>> 32));
		putInt(bytes, offset + 4, (int) value);
	}

}

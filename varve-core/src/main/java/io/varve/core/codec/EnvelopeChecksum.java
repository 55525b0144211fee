package io.varve.core.codec;

import java.nio.ByteOrder;
import java.util.zip.CRC32C;

import org.agrona.MutableDirectBuffer;
import org.jspecify.annotations.Nullable;

/**
 * The CRC32C that ends every stored envelope (hardware-accelerated in the JDK): written
 * by the writer once the envelope is stamped, checked whenever an event is read or
 * replayed.
 */
public final class EnvelopeChecksum {

	private EnvelopeChecksum() {
	}

	/**
	 * Writes the checksum of a stored envelope: CRC32C of its stamped bytes.
	 * @param target where the envelope was stored, {@code length + Envelope.CHECKSUM}
	 * bytes
	 * @param source the envelope as encoded (not yet stamped)
	 * @param offset where it starts in {@code source}
	 * @param length its length without the checksum
	 * @param header scratch of at least {@link Envelope#HEADER} bytes for the stamped
	 * header (the writer's own, so that nothing is allocated per event)
	 */
	public static void seal(MutableDirectBuffer target, byte[] source, int offset, int length, byte[] header) {
		target.getBytes(0, header, 0, Envelope.HEADER);
		CRC32C crc = new CRC32C();
		crc.update(header, 0, Envelope.HEADER);
		crc.update(source, offset + Envelope.HEADER, length - Envelope.HEADER);
		target.putInt(length, (int) crc.getValue(), ByteOrder.LITTLE_ENDIAN);
	}

	/**
	 * Whether a stored envelope's checksum holds.
	 * @param bytes the stored envelope, checksum last
	 * @return what is wrong, or null when it holds
	 */
	public static @Nullable String checksumProblem(byte[] bytes) {
		int length = bytes.length - Envelope.CHECKSUM;
		if (length < Envelope.HEADER) {
			return "it is too short to carry a checksum";
		}
		CRC32C crc = new CRC32C();
		crc.update(bytes, 0, length);
		int stored = (bytes[length] & 0xff) | (bytes[length + 1] & 0xff) << 8 | (bytes[length + 2] & 0xff) << 16
				| (bytes[length + 3] & 0xff) << 24;
		return ((int) crc.getValue() == stored) ? null : "its checksum does not match its bytes";
	}

}

package io.varve.core.crypto;

import java.nio.ByteOrder;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.zip.CRC32C;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

import org.jspecify.annotations.Nullable;

import org.agrona.concurrent.UnsafeBuffer;

import io.varve.CorruptDataException;
import io.varve.EncryptionException;
import io.varve.core.codec.Envelope;

/**
 * Seals envelopes as the writer stores them and opens them as they are read, with
 * AES-256-GCM under the stream's data key (layout in {@link Envelope}). The associated
 * data is every clear byte of the stamped envelope (header with position, version,
 * timestamp and previous position, ids, type and stream names) and the data key id, so a
 * sealed region moved to another event, or an edited clear field, fails to open. Each
 * thread keeps its own {@link Cipher}s and nonce sequence: a cipher costs an allocation
 * and a provider lookup, and a random draw a lock, that an event should not pay. A thread
 * keeps one cipher for each of the data keys it used last ({@link Ciphers}): initialising
 * a cipher with another key than its last expands that key (the AES key schedule, several
 * microseconds), and consecutive events of an interleaved log (or of a group from many
 * writers) mostly belong to different streams.
 */
public final class EventCipher {

	private static final int KEY_ID = 8;

	private static final int NONCE = 12;

	private static final int TAG = 16;

	private static final ByteOrder ORDER = ByteOrder.BIG_ENDIAN;

	/** Starts the associated data of sealed values, which are no envelopes. */
	private static final byte[] VALUE_LABEL = "varve sealed value\0"
		.getBytes(java.nio.charset.StandardCharsets.US_ASCII);

	private static final ThreadLocal<Ciphers> CIPHERS = ThreadLocal.withInitial(Ciphers::new);

	private static final ThreadLocal<Nonces> NONCES = ThreadLocal.withInitial(Nonces::new);

	private final DataKeys keys;

	/**
	 * @param keys the store's data keys
	 */
	public EventCipher(DataKeys keys) {
		this.keys = keys;
	}

	/** The store's data keys. */
	public DataKeys keys() {
		return this.keys;
	}

	/**
	 * Seals an envelope as encoded by the caller: the result is the envelope to store,
	 * already stamped (the storage stamps the same values again) and without checksum.
	 * @param key the stream's data key
	 * @param source the array holding the envelope
	 * @param offset where it starts
	 * @param length its length
	 * @param position its position
	 * @param version its stream version
	 * @param micros its timestamp
	 * @param previous the stream's previous position
	 * @return the sealed envelope
	 */
	public byte[] seal(DataKeys.Key key, byte[] source, int offset, int length, long position, long version,
			long micros, long previous) {
		UnsafeBuffer plain = new UnsafeBuffer(source, offset, length);
		int metadataOffset = Envelope.metadataOffset(plain);
		int metadataLength = (metadataOffset >= 0) ? Envelope.metadataLength(plain) : 0;
		int typeOffset = Envelope.typeOffset(plain);
		int clear = (metadataOffset >= 0) ? metadataOffset - 4 : typeOffset;
		int names = Envelope.typeLength(plain) + Envelope.streamLength(plain);
		int payloadLength = Envelope.payloadLength(plain);
		int plainLength = 4 + metadataLength + payloadLength;
		int sealed = KEY_ID + NONCE + plainLength + TAG;
		byte[] out = new byte[clear + names + sealed];
		System.arraycopy(source, offset, out, 0, clear);
		System.arraycopy(source, offset + typeOffset, out, clear, names);
		UnsafeBuffer target = new UnsafeBuffer(out);
		int flags = (Envelope.flags(plain) & ~Envelope.FLAG_METADATA) | Envelope.FLAG_ENCRYPTED;
		target.putByte(1, (byte) flags);
		Envelope.setPayloadLength(out, 0, sealed);
		Envelope.stamp(target, position, version, micros, previous);
		int region = clear + names;
		target.putLong(region, key.id(), ORDER);
		byte[] nonce = NONCES.get().next();
		System.arraycopy(nonce, 0, out, region + KEY_ID, NONCE);
		// The plaintext is laid out where its ciphertext goes and encrypted in place, in
		// one call: each call into the cipher costs more than these bytes' copy.
		int text = region + KEY_ID + NONCE;
		Envelope.putInt(out, text, (metadataOffset >= 0) ? metadataLength : -1);
		if (metadataLength > 0) {
			System.arraycopy(source, offset + metadataOffset, out, text + 4, metadataLength);
		}
		System.arraycopy(source, offset + Envelope.payloadOffset(plain), out, text + 4 + metadataLength, payloadLength);
		SecretKey secret = this.keys.secret(key);
		Cipher cipher = CIPHERS.get().forKey(secret);
		try {
			cipher.init(Cipher.ENCRYPT_MODE, secret, new GCMParameterSpec(TAG * 8, nonce));
			cipher.updateAAD(out, 0, region + KEY_ID);
			int at = text + cipher.doFinal(out, text, plainLength, out, text);
			if (at != out.length) {
				throw new IllegalStateException("AES-GCM wrote " + at + " bytes of a " + out.length + "-byte envelope");
			}
		}
		catch (GeneralSecurityException ex) {
			throw new EncryptionException("Could not encrypt the event at position " + position + ": " + ex, ex);
		}
		return out;
	}

	/**
	 * Opens a stored sealed envelope whose structure and checksum were checked.
	 * @param stored the stored envelope, checksum last
	 * @return the plain envelope with its own checksum, or null when the stream's data
	 * key was forgotten (the event is shredded)
	 * @throws CorruptDataException if the sealed region does not open under its key
	 */
	public byte @Nullable [] open(byte[] stored) {
		UnsafeBuffer buffer = new UnsafeBuffer(stored);
		int region = Envelope.payloadOffset(buffer);
		int sealed = Envelope.payloadLength(buffer);
		long position = Envelope.position(buffer);
		SecretKey secret = this.keys.secret(buffer.getLong(region, ORDER));
		if (secret == null) {
			return null;
		}
		byte[] plain;
		Cipher cipher = CIPHERS.get().forKey(secret);
		try {
			cipher.init(Cipher.DECRYPT_MODE, secret, new GCMParameterSpec(TAG * 8, stored, region + KEY_ID, NONCE));
			cipher.updateAAD(stored, 0, region + KEY_ID);
			plain = cipher.doFinal(stored, region + KEY_ID + NONCE, sealed - KEY_ID - NONCE);
		}
		catch (AEADBadTagException ex) {
			throw new CorruptDataException("The encrypted event at position " + position + " does not decrypt: its "
					+ "sealed payload or a clear field was altered, or it was moved from another event. The store file "
					+ "is damaged or was tampered with; restore it from a backup (see Varve.backup)", ex);
		}
		catch (GeneralSecurityException ex) {
			throw new EncryptionException("Could not decrypt the event at position " + position + ": " + ex, ex);
		}
		int metadataLength = (plain[0] << 24) | ((plain[1] & 0xff) << 16) | ((plain[2] & 0xff) << 8)
				| (plain[3] & 0xff);
		if (metadataLength < -1 || metadataLength > plain.length - 4) {
			throw new CorruptDataException("The encrypted event at position " + position + " decrypts to a metadata "
					+ "length of " + metadataLength + " in " + plain.length + " bytes; it was written wrongly");
		}
		int metadata = Math.max(0, metadataLength);
		int payloadLength = plain.length - 4 - metadata;
		int clear = Envelope.typeOffset(buffer);
		int names = Envelope.typeLength(buffer) + Envelope.streamLength(buffer);
		int metadataBlock = (metadataLength >= 0) ? 4 + metadata : 0;
		byte[] out = new byte[clear + metadataBlock + names + payloadLength + Envelope.CHECKSUM];
		System.arraycopy(stored, 0, out, 0, clear);
		int flags = (Envelope.flags(buffer) & ~Envelope.FLAG_ENCRYPTED)
				| ((metadataLength >= 0) ? Envelope.FLAG_METADATA : 0);
		out[1] = (byte) flags;
		Envelope.setPayloadLength(out, 0, payloadLength);
		int at = clear;
		if (metadataLength >= 0) {
			System.arraycopy(plain, 0, out, at, 4 + metadata);
			at += 4 + metadata;
		}
		System.arraycopy(stored, clear, out, at, names);
		at += names;
		System.arraycopy(plain, 4 + metadata, out, at, payloadLength);
		at += payloadLength;
		CRC32C crc = new CRC32C();
		crc.update(out, 0, at);
		new UnsafeBuffer(out).putInt(at, (int) crc.getValue(), ByteOrder.LITTLE_ENDIAN);
		return out;
	}

	/**
	 * Seals a value other than an event (a snapshot's state) under a stream's data key:
	 * data key id, nonce, ciphertext and tag, bound to the given bytes.
	 * @param key the stream's data key
	 * @param boundTo the bytes the value is bound to (authenticated, not stored)
	 * @param plain the value
	 * @return the sealed value
	 */
	public byte[] sealValue(DataKeys.Key key, byte[] boundTo, byte[] plain) {
		byte[] out = new byte[KEY_ID + NONCE + plain.length + TAG];
		new UnsafeBuffer(out).putLong(0, key.id(), ORDER);
		byte[] nonce = NONCES.get().next();
		System.arraycopy(nonce, 0, out, KEY_ID, NONCE);
		SecretKey secret = this.keys.secret(key);
		Cipher cipher = CIPHERS.get().forKey(secret);
		try {
			cipher.init(Cipher.ENCRYPT_MODE, secret, new GCMParameterSpec(TAG * 8, nonce));
			cipher.updateAAD(VALUE_LABEL);
			cipher.updateAAD(boundTo);
			cipher.updateAAD(out, 0, KEY_ID);
			cipher.doFinal(plain, 0, plain.length, out, KEY_ID + NONCE);
		}
		catch (GeneralSecurityException ex) {
			throw new EncryptionException("Could not encrypt a snapshot: " + ex, ex);
		}
		return out;
	}

	/**
	 * Opens a value {@link #sealValue} sealed.
	 * @param boundTo the bytes it was bound to
	 * @param sealed the sealed value
	 * @param what what the value is, for messages
	 * @return the value, or null when its data key was forgotten
	 * @throws CorruptDataException if it does not open
	 */
	public byte @Nullable [] openValue(byte[] boundTo, byte[] sealed, String what) {
		if (sealed.length < KEY_ID + NONCE + TAG) {
			throw new CorruptDataException(what + " is " + sealed.length + " bytes, too short to be sealed; the store "
					+ "file is damaged, restore it from a backup");
		}
		SecretKey secret = this.keys.secret(new UnsafeBuffer(sealed).getLong(0, ORDER));
		if (secret == null) {
			return null;
		}
		Cipher cipher = CIPHERS.get().forKey(secret);
		try {
			cipher.init(Cipher.DECRYPT_MODE, secret, new GCMParameterSpec(TAG * 8, sealed, KEY_ID, NONCE));
			cipher.updateAAD(VALUE_LABEL);
			cipher.updateAAD(boundTo);
			cipher.updateAAD(sealed, 0, KEY_ID);
			return cipher.doFinal(sealed, KEY_ID + NONCE, sealed.length - KEY_ID - NONCE);
		}
		catch (AEADBadTagException ex) {
			throw new CorruptDataException(what + " does not decrypt: it was altered or moved from another entry. "
					+ "The store file is damaged or was tampered with; restore it from a backup", ex);
		}
		catch (GeneralSecurityException ex) {
			throw new EncryptionException("Could not decrypt " + what + ": " + ex, ex);
		}
	}

	/** The id of the data key a stored sealed envelope names. */
	public static long dataKeyId(byte[] stored) {
		UnsafeBuffer buffer = new UnsafeBuffer(stored);
		return buffer.getLong(Envelope.payloadOffset(buffer), ORDER);
	}

	private static Cipher newCipher() {
		try {
			return Cipher.getInstance("AES/GCM/NoPadding");
		}
		catch (GeneralSecurityException ex) {
			throw new EncryptionException("This JDK has no AES/GCM/NoPadding cipher: " + ex, ex);
		}
	}

	/**
	 * A thread's ciphers, spread over the data keys it uses: a key always gets the cipher
	 * of its slot (one of {@link #SLOTS}), and a cipher initialised again with the key it
	 * last had skips that key's expansion. Keys that share a slot take turns at the cost
	 * of one expansion each.
	 */
	private static final class Ciphers {

		private static final int SLOTS = 128;

		private final Cipher[] ciphers = new Cipher[SLOTS];

		/** The cipher to initialise with a key: the one it went to last time. */
		Cipher forKey(SecretKey secret) {
			int slot = System.identityHashCode(secret) & (SLOTS - 1);
			Cipher cipher = this.ciphers[slot];
			if (cipher == null) {
				cipher = newCipher();
				this.ciphers[slot] = cipher;
			}
			return cipher;
		}

	}

	/**
	 * A thread's GCM nonces: a random 96-bit start drawn from a {@link SecureRandom},
	 * then counted up by one per event. Two threads' (or two runs') sequences overlap
	 * only if their random starts fall within the length of a sequence of each other,
	 * which is as unlikely as two random nonces colliding, and costs no random draw per
	 * event. The start is drawn again every 2^32 nonces.
	 */
	private static final class Nonces {

		private static final SecureRandom RANDOM = new SecureRandom();

		private final byte[] start = new byte[NONCE];

		private long count;

		Nonces() {
			RANDOM.nextBytes(this.start);
		}

		/** The next nonce: a new array, as the cipher's parameters keep it. */
		byte[] next() {
			if ((this.count & 0xffffffffL) == 0xffffffffL) {
				RANDOM.nextBytes(this.start);
			}
			long n = ++this.count;
			byte[] nonce = this.start.clone();
			// Add the count to the low 64 bits, carrying into the high 32.
			long low = ((long) (nonce[4] & 0xff) << 56) | ((long) (nonce[5] & 0xff) << 48)
					| ((long) (nonce[6] & 0xff) << 40) | ((long) (nonce[7] & 0xff) << 32)
					| ((long) (nonce[8] & 0xff) << 24) | ((nonce[9] & 0xff) << 16) | ((nonce[10] & 0xff) << 8)
					| (nonce[11] & 0xff);
			long sum = low + n;
			if (Long.compareUnsigned(sum, low) < 0) {
				int high = ((nonce[0] & 0xff) << 24) | ((nonce[1] & 0xff) << 16) | ((nonce[2] & 0xff) << 8)
						| (nonce[3] & 0xff);
				Envelope.putInt(nonce, 0, high + 1);
			}
			Envelope.putInt(nonce, 4, (int) (sum >>> 32));
			Envelope.putInt(nonce, 8, (int) sum);
			return nonce;
		}

	}

}

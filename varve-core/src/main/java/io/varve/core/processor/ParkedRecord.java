package io.varve.core.processor;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.UUID;

import org.agrona.DirectBuffer;

import io.varve.CorruptDataException;
import io.varve.RecordedEvent;
import io.varve.processor.ParkedEvent;
import io.varve.processor.ProcessorError;

/**
 * The stored value of a parked event. A small binary layout of our own rather than the
 * store's Smile mapper, so that the user's mapper settings cannot change how Varve's own
 * records read.
 */
final class ParkedRecord {

	private static final byte FORMAT = 1;

	/**
	 * The layout with a last byte: 1 for an event held behind its stream's parked one.
	 */
	private static final byte FORMAT_HELD = 2;

	/** The error type of a held event. */
	static final String HELD = "held";

	/** Longest error message kept, in characters. */
	static final int MAX_MESSAGE = 4000;

	private ParkedRecord() {
	}

	/**
	 * The entry of an event that its handler failed on, as last tried.
	 * @param processor the processor's name
	 * @param event the event
	 * @param error the handler's last error, with the attempts made
	 * @return the entry
	 */
	static ParkedEvent entry(String processor, RecordedEvent event, ProcessorError error) {
		return new ParkedEvent(processor, event.position(), event.id(), event.stream(), event.type(), error.message(),
				error.errorType(), error.attempts(), error.at(), false);
	}

	/**
	 * The entry of an event held back behind its stream's parked event.
	 * @param processor the processor's name
	 * @param event the event
	 * @param parkedPosition the position of the stream's parked event
	 * @return the entry
	 */
	static ParkedEvent held(String processor, RecordedEvent event, long parkedPosition) {
		return new ParkedEvent(processor, event.position(), event.id(), event.stream(), event.type(),
				heldMessage(parkedPosition, event.stream()), HELD, 0, java.time.Instant.now(), true);
	}

	/**
	 * A held entry that now waits behind another parked event of its stream.
	 * @param held the held entry
	 * @param parkedPosition the position of the stream's new parked event
	 * @return the entry
	 */
	static ParkedEvent heldBehind(ParkedEvent held, long parkedPosition) {
		return new ParkedEvent(held.processor(), held.position(), held.eventId(), held.stream(), held.eventType(),
				heldMessage(parkedPosition, held.stream()), held.errorType(), 0, held.parkedAt(), true);
	}

	/**
	 * A parked entry after another failed try, no longer held.
	 * @param parked the entry as stored
	 * @param error the error of the try
	 * @return the entry
	 */
	static ParkedEvent withError(ParkedEvent parked, ProcessorError error) {
		return new ParkedEvent(parked.processor(), parked.position(), parked.eventId(), parked.stream(),
				parked.eventType(), error.message(), error.errorType(), error.attempts(), error.at(), false);
	}

	private static String heldMessage(long parkedPosition, String stream) {
		return "held behind the parked event at position " + parkedPosition + " of stream '" + stream + "'";
	}

	static byte[] encode(ParkedEvent parked) {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
		try (DataOutputStream out = new DataOutputStream(bytes)) {
			out.writeByte(parked.held() ? FORMAT_HELD : FORMAT);
			out.writeLong(parked.eventId().getMostSignificantBits());
			out.writeLong(parked.eventId().getLeastSignificantBits());
			out.writeInt(parked.attempts());
			out.writeLong(parked.parkedAt().getEpochSecond());
			out.writeInt(parked.parkedAt().getNano());
			writeText(out, parked.stream());
			writeText(out, parked.eventType());
			writeText(out, parked.errorType());
			writeText(out, parked.error());
			if (parked.held()) {
				out.writeByte(1);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return bytes.toByteArray();
	}

	static ParkedEvent decode(String processor, long position, DirectBuffer value) {
		byte[] bytes = new byte[value.capacity()];
		value.getBytes(0, bytes);
		try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
			byte format = in.readByte();
			if (format != FORMAT && format != FORMAT_HELD) {
				throw new IOException("unknown format");
			}
			UUID id = new UUID(in.readLong(), in.readLong());
			int attempts = in.readInt();
			java.time.Instant at = java.time.Instant.ofEpochSecond(in.readLong(), in.readInt());
			String stream = in.readUTF();
			String type = in.readUTF();
			String errorType = in.readUTF();
			String error = in.readUTF();
			boolean held = format == FORMAT_HELD && in.readByte() == 1;
			return new ParkedEvent(processor, position, id, stream, type, error, errorType, attempts, at, held);
		}
		catch (IOException | RuntimeException ex) {
			throw new CorruptDataException(
					"The parked entry at position " + position + " of processor '" + processor
							+ "' cannot be read; discard it with discardParked(...) or restore the store from a backup",
					ex);
		}
	}

	private static void writeText(DataOutputStream out, String text) throws IOException {
		String value = (text != null) ? text : "";
		if (value.length() > MAX_MESSAGE) {
			value = value.substring(0, MAX_MESSAGE) + "...";
		}
		out.writeUTF(value);
	}

}

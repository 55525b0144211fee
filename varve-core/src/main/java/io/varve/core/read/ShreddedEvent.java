package io.varve.core.read;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import io.varve.EventShreddedException;
import io.varve.core.codec.Envelope;
import io.varve.core.codec.EventTypeRegistry;

/**
 * An encrypted event whose stream was forgotten: its envelope fields read as stored, its
 * payload and metadata are gone for good (their data key was removed from the key store),
 * so every method that would decode them throws {@link EventShreddedException}; those
 * that only ask about them answer that there is nothing ({@link #dataSize()} 0,
 * {@link #hasMetadata()} false), so code that checks before reading keeps working.
 */
final class ShreddedEvent extends EnvelopeEvent {

	/**
	 * @param envelope the stored (sealed) envelope, checked
	 * @param registry the event type registry
	 */
	ShreddedEvent(byte[] envelope, EventTypeRegistry registry) {
		super(envelope, registry);
	}

	@Override
	public boolean isShredded() {
		return true;
	}

	@Override
	public String type() {
		return this.registry.currentName(new String(this.envelope, Envelope.typeOffset(this.buffer),
				Envelope.typeLength(this.buffer), StandardCharsets.UTF_8));
	}

	@Override
	public String stream() {
		return new String(this.envelope, Envelope.streamOffset(this.buffer), Envelope.streamLength(this.buffer),
				StandardCharsets.UTF_8);
	}

	@Override
	public Object data() {
		throw shredded("payload");
	}

	@Override
	public <T> T dataAs(Class<T> type) {
		throw shredded("payload");
	}

	@Override
	public byte[] rawData() {
		throw shredded("payload");
	}

	/** Nothing of the payload can be read: 0. */
	@Override
	public int dataSize() {
		return 0;
	}

	/** No metadata can be read: false. */
	@Override
	public boolean hasMetadata() {
		return false;
	}

	@Override
	public Map<String, Object> metadata() {
		throw shredded("metadata");
	}

	@Override
	public <T> @Nullable T metadataAs(Class<T> type) {
		throw shredded("metadata");
	}

	/** The stored, still encrypted envelope: nobody can open it any more. */
	@Override
	public byte[] envelope() {
		return this.envelope.clone();
	}

	private EventShreddedException shredded(String what) {
		return new EventShreddedException("The " + what + " of event " + id() + " (type '" + type() + "', position "
				+ position() + ") is gone: its stream '" + stream() + "' was forgotten with Varve.forget, which "
				+ "removed the key it was encrypted with. Check RecordedEvent.isShredded() before reading an event's "
				+ "data; its envelope (id, type, stream, version, position, timestamp) is still readable");
	}

	@Override
	public String toString() {
		return "RecordedEvent[position=" + position() + ", stream=" + stream() + ", version=" + version() + ", type="
				+ type() + ", id=" + id() + ", shredded]";
	}

}

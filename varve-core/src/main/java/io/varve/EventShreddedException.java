package io.varve;

/**
 * The payload or metadata of an event was asked for, but the event's stream was forgotten
 * ({@link Varve#forget(String)}): its data key is gone from the key store, so its payload
 * and metadata can no longer be decrypted by anyone, from this store or from any backup
 * of it. The event's envelope (id, type, stream, version, position, timestamp) is still
 * readable; check {@link RecordedEvent#isShredded()} before decoding.
 */
public class EventShreddedException extends VarveException {

	private static final long serialVersionUID = 1L;

	public EventShreddedException(String message) {
		super(message);
	}

}

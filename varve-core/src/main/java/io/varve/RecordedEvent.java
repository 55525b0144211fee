package io.varve;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * An event as stored: its envelope fields and its payload. Envelope fields are read
 * without decoding the payload; the payload is decoded only when {@link #data()} or
 * {@link #dataAs(Class)} is called, so a scan that looks only at positions, streams or
 * types never pays for decoding.
 *
 * <pre>{@code
 * for (RecordedEvent event : varve.readStream("account-42", 1, 100)) {
 *     if (event.data() instanceof Deposited deposited) {
 *         balance += deposited.amount();
 *     }
 * }
 * }</pre>
 *
 * Instances are created by Varve (applications do not implement this interface), are
 * immutable and safe to share between threads.
 */
public interface RecordedEvent {

	/** Global position in the log: gapless, starting at 1, in commit order. */
	long position();

	/** The stream's version after this event: 1 for a stream's first event. */
	long version();

	/** The event id. */
	UUID id();

	/** When the event was committed. */
	Instant timestamp();

	/** The commit time in microseconds since the epoch. */
	long timestampMicros();

	/** The correlation id, or null. */
	@Nullable UUID correlationId();

	/** The causation id, or null. */
	@Nullable UUID causationId();

	/**
	 * The event type name (see {@link EventType}): the current name when the event was
	 * stored under a former one ({@link EventType#aliases()}), or the one its
	 * {@link Upcaster}s gave it.
	 */
	String type();

	/**
	 * The schema version of the event as read: the version its class had when it was
	 * written (1 for events written before versions existed), or the version its
	 * {@link Upcaster}s brought it to.
	 * @return the version, at least 1
	 */
	int schemaVersion();

	/** The stream the event belongs to. */
	String stream();

	/** The stream's category: the part of the stream name before the first {@code -}. */
	default String category() {
		return Varve.categoryOf(stream());
	}

	/**
	 * The class {@link #data()} decodes into: the one registered for {@link #type()} in
	 * this process, found without decoding the payload, so that code can decide whether
	 * it wants an event before paying for decoding it (or failing to).
	 *
	 * <pre>{@code
	 * if (event.dataClass().filter(AccountEvent.class::isAssignableFrom).isPresent()) {
	 *     AccountEvent accountEvent = (AccountEvent) event.data();
	 * }
	 * }</pre>
	 * @return the class, or empty when no class is registered for the type in this
	 * process
	 */
	Optional<Class<?>> dataClass();

	/**
	 * The payload decoded into the class registered for {@link #type()}. Decoded once, on
	 * the first call.
	 * @return the event object
	 * @throws UnknownEventTypeException if no class is registered for the type in this
	 * process; use {@link #dataAs(Class)} or {@link #rawData()} instead
	 */
	Object data();

	/**
	 * The payload decoded into a class of the caller's choosing.
	 * @param <T> the class
	 * @param type the class to decode into
	 * @return the event object
	 * @throws EventDecodingException if the payload does not fit that class
	 */
	<T> T dataAs(Class<T> type);

	/** A copy of the Smile-encoded payload. */
	byte[] rawData();

	/** Size of the encoded payload in bytes. */
	int dataSize();

	/** Whether the event carries metadata. */
	boolean hasMetadata();

	/**
	 * The metadata as a map of names to plain values (strings, numbers, booleans, lists,
	 * maps); empty when there is none.
	 * @return an unmodifiable map
	 */
	Map<String, Object> metadata();

	/**
	 * The metadata decoded into a class of the caller's choosing.
	 * @param <T> the class
	 * @param type the class to decode into
	 * @return the metadata, or null when the event has none
	 */
	<T> @Nullable T metadataAs(Class<T> type);

	/** A copy of the whole stored envelope, for tools that move events between stores. */
	byte[] envelope();

	/**
	 * Whether the event was shredded: its stream was forgotten ({@link Varve#forget}) in
	 * an encrypted store, so its payload and metadata can no longer be decrypted. The
	 * envelope fields (id, type, stream, version, position, timestamp, correlation and
	 * causation ids) still read; {@link #data()}, {@link #dataAs}, {@link #rawData()},
	 * {@link #metadata()} and {@link #metadataAs} throw {@link EventShreddedException},
	 * {@link #dataSize()} is 0 and {@link #hasMetadata()} false.
	 *
	 * <pre>{@code
	 * for (RecordedEvent event : varve.readStream("customer-7", 1, 100)) {
	 *     if (!event.isShredded()) {
	 *         apply(event.data());
	 *     }
	 * }
	 * }</pre>
	 * @return true for a shredded event
	 */
	default boolean isShredded() {
		return false;
	}

}

package io.varve;

import java.util.Objects;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * One event to append, with its optional envelope fields. Immutable; each {@code with...}
 * method returns a copy.
 *
 * <pre>{@code
 * EventData deposit = EventData.of(new Deposited(100))
 *     .withId(commandId)                     // makes a retried append idempotent
 *     .withCorrelationId(requestId)
 *     .withMetadata(Map.of("user", "alice"));
 * varve.append("account-42", ExpectedVersion.exact(3), List.of(deposit));
 * }</pre>
 *
 * <p>
 * Without an explicit id Varve assigns a fresh time-ordered (version 7) UUID. Metadata is
 * any object Jackson can serialise (a {@code Map<String, String>} is the simple case); it
 * is read back with {@link RecordedEvent#metadata()} or
 * {@link RecordedEvent#metadataAs(Class)}.
 */
public final class EventData {

	private final Object event;

	private final @Nullable UUID id;

	private final @Nullable UUID correlationId;

	private final @Nullable UUID causationId;

	private final @Nullable Object metadata;

	private EventData(Object event, @Nullable UUID id, @Nullable UUID correlationId, @Nullable UUID causationId,
			@Nullable Object metadata) {
		this.event = event;
		this.id = id;
		this.correlationId = correlationId;
		this.causationId = causationId;
		this.metadata = metadata;
	}

	/**
	 * Wraps an event object.
	 * @param event the user's event object, not null
	 * @return the event data with no id, correlation, causation or metadata
	 * @throws InvalidArgumentException if {@code event} is null
	 */
	public static EventData of(Object event) {
		if (event == null) {
			throw new InvalidArgumentException("Event must not be null; pass the event object to append");
		}
		if (event instanceof EventData) {
			throw new InvalidArgumentException("EventData.of() was given an EventData; pass it to append directly");
		}
		return new EventData(event, null, null, null, null);
	}

	/**
	 * Sets the event id. Appending an event whose id is already stored at the same place
	 * in the same stream returns the original result and writes nothing.
	 * @param id the id, or null to let Varve assign one
	 * @return a copy with the id
	 */
	public EventData withId(@Nullable UUID id) {
		return new EventData(this.event, id, this.correlationId, this.causationId, this.metadata);
	}

	/**
	 * Sets the correlation id: the id shared by everything that one request caused.
	 * @param correlationId the id, or null
	 * @return a copy with the correlation id
	 */
	public EventData withCorrelationId(@Nullable UUID correlationId) {
		return new EventData(this.event, this.id, correlationId, this.causationId, this.metadata);
	}

	/**
	 * Sets the causation id: the id of the message or event that caused this one.
	 * @param causationId the id, or null
	 * @return a copy with the causation id
	 */
	public EventData withCausationId(@Nullable UUID causationId) {
		return new EventData(this.event, this.id, this.correlationId, causationId, this.metadata);
	}

	/**
	 * Marks this event as caused by {@code cause}: the causation id becomes the cause's
	 * id and the correlation id is carried over (or is the cause's id when it has none).
	 * @param cause the event being handled
	 * @return a copy with correlation and causation set
	 */
	public EventData causedBy(RecordedEvent cause) {
		Objects.requireNonNull(cause, "cause");
		UUID correlation = (cause.correlationId() != null) ? cause.correlationId() : cause.id();
		return new EventData(this.event, this.id, correlation, cause.id(), this.metadata);
	}

	/**
	 * Sets the metadata: any Jackson-serialisable object, such as a
	 * {@code Map<String, String>} or a record of the user's.
	 * @param metadata the metadata, or null for none
	 * @return a copy with the metadata
	 */
	public EventData withMetadata(@Nullable Object metadata) {
		return new EventData(this.event, this.id, this.correlationId, this.causationId, metadata);
	}

	/** The event object. */
	public Object event() {
		return this.event;
	}

	/** The explicit event id, or null when Varve assigns one. */
	public @Nullable UUID id() {
		return this.id;
	}

	/** The correlation id, or null. */
	public @Nullable UUID correlationId() {
		return this.correlationId;
	}

	/** The causation id, or null. */
	public @Nullable UUID causationId() {
		return this.causationId;
	}

	/** The metadata object, or null. */
	public @Nullable Object metadata() {
		return this.metadata;
	}

	@Override
	public String toString() {
		return "EventData[" + this.event.getClass().getSimpleName() + ((this.id != null) ? ", id=" + this.id : "")
				+ "]";
	}

}

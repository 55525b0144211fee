package io.varve.kafka;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.jspecify.annotations.Nullable;

import io.varve.ReplicatedEvent;

/**
 * The headers a {@link KafkaForwarder} puts on every record, and how to read them. Ids
 * are 16 bytes (most significant half first), numbers 8 bytes big-endian (the schema
 * version 4), names UTF-8. The record key is the stream name (UTF-8), the value the
 * payload.
 */
public final class ForwardedHeaders {

	/** The event id (16 bytes). */
	public static final String EVENT_ID = "varve-event-id";

	/** The event type name as stored (UTF-8). */
	public static final String TYPE = "varve-type";

	/** The schema version as stored (4 bytes); absent for version 1. */
	public static final String SCHEMA_VERSION = "varve-schema-version";

	/** The event's version in its stream (8 bytes). */
	public static final String STREAM_VERSION = "varve-stream-version";

	/**
	 * The event's global position in the source store (8 bytes): gapless and increasing
	 * over the events one forwarder sends, so one number per partition removes
	 * redelivered records ({@link ForwardedPositions}).
	 */
	public static final String POSITION = "varve-position";

	/** The correlation id (16 bytes), when the event has one. */
	public static final String CORRELATION_ID = "varve-correlation-id";

	/** The causation id (16 bytes), when the event has one. */
	public static final String CAUSATION_ID = "varve-causation-id";

	/** The commit time in microseconds since the epoch (8 bytes). */
	public static final String TIMESTAMP = "varve-timestamp-micros";

	/** The event's metadata as stored (Smile bytes), when it has any. */
	public static final String METADATA = "varve-metadata";

	/**
	 * {@code application/x-jackson-smile} or {@code application/json}: the value's form.
	 */
	public static final String CONTENT_TYPE = "content-type";

	private ForwardedHeaders() {
	}

	/**
	 * The global position a forwarded record carries.
	 * @param record the record
	 * @return its position
	 * @throws IllegalArgumentException when the record has no position header (it was not
	 * sent by a forwarder)
	 */
	public static long position(ConsumerRecord<?, ?> record) {
		byte[] value = required(record.headers(), POSITION);
		return ByteBuffer.wrap(value).getLong();
	}

	/**
	 * Reads a forwarded record back into the event its source stored, as a replica
	 * applies it. The record must carry the payload as Smile.
	 * @param record the record
	 * @return the event
	 */
	public static ReplicatedEvent event(ConsumerRecord<byte[], byte[]> record) {
		byte[] key = record.key();
		if (key == null || record.value() == null) {
			throw new IllegalArgumentException("Record at offset " + record.offset() + " of " + record.topic()
					+ " has no key or value; it was not sent by a Varve forwarder");
		}
		// One pass over the headers (a lookup per name would scan them for each).
		long position = 0;
		long version = 0;
		long micros = 0;
		int schemaVersion = 1;
		UUID id = null;
		UUID correlation = null;
		UUID causation = null;
		String type = null;
		byte[] metadata = null;
		int found = 0;
		for (Header header : record.headers()) {
			byte[] value = header.value();
			switch (header.key()) {
				case POSITION -> {
					position = ByteBuffer.wrap(value).getLong();
					found |= 1;
				}
				case STREAM_VERSION -> {
					version = ByteBuffer.wrap(value).getLong();
					found |= 2;
				}
				case EVENT_ID -> {
					id = uuid(value);
					found |= 4;
				}
				case TYPE -> {
					type = new String(value, StandardCharsets.UTF_8);
					found |= 8;
				}
				case TIMESTAMP -> {
					micros = ByteBuffer.wrap(value).getLong();
					found |= 16;
				}
				case SCHEMA_VERSION -> schemaVersion = ByteBuffer.wrap(value).getInt();
				case CORRELATION_ID -> correlation = uuid(value);
				case CAUSATION_ID -> causation = uuid(value);
				case METADATA -> metadata = value;
				case CONTENT_TYPE -> {
					if (!ValueFormat.SMILE.contentType().equals(new String(value, StandardCharsets.UTF_8))) {
						throw new IllegalArgumentException("Record at offset " + record.offset() + " of "
								+ record.topic() + " carries " + new String(value, StandardCharsets.UTF_8)
								+ "; a replica needs the stored Smile bytes: forward the log topic with format SMILE");
					}
				}
				default -> {
					// Headers of others pass.
				}
			}
		}
		if (found != 31) {
			throw new IllegalArgumentException("Record at offset " + record.offset() + " of " + record.topic()
					+ " lacks Varve's headers (position, stream version, event id, type, timestamp); it was not "
					+ "sent by a Varve forwarder");
		}
		return new ReplicatedEvent(position, new String(key, StandardCharsets.UTF_8), version, id, type, schemaVersion,
				micros, correlation, causation, metadata, record.value());
	}

	static void write(Headers headers, ReplicatedEvent event, ValueFormat format) {
		headers.add(EVENT_ID, uuid(event.id()));
		headers.add(TYPE, event.type().getBytes(StandardCharsets.UTF_8));
		if (event.schemaVersion() > 1) {
			headers.add(SCHEMA_VERSION, ByteBuffer.allocate(4).putInt(event.schemaVersion()).array());
		}
		headers.add(STREAM_VERSION, longBytes(event.version()));
		headers.add(POSITION, longBytes(event.position()));
		if (event.correlationId() != null) {
			headers.add(CORRELATION_ID, uuid(event.correlationId()));
		}
		if (event.causationId() != null) {
			headers.add(CAUSATION_ID, uuid(event.causationId()));
		}
		headers.add(TIMESTAMP, longBytes(event.timestampMicros()));
		if (event.metadata() != null) {
			headers.add(METADATA, event.metadata());
		}
		headers.add(CONTENT_TYPE, format.contentType().getBytes(StandardCharsets.UTF_8));
	}

	private static byte[] longBytes(long value) {
		return ByteBuffer.allocate(8).putLong(value).array();
	}

	static byte[] uuid(UUID id) {
		return ByteBuffer.allocate(16)
			.putLong(id.getMostSignificantBits())
			.putLong(id.getLeastSignificantBits())
			.array();
	}

	static UUID uuid(byte[] bytes) {
		ByteBuffer buffer = ByteBuffer.wrap(bytes);
		return new UUID(buffer.getLong(), buffer.getLong());
	}

	private static byte @Nullable [] bytes(Headers headers, String name) {
		Header header = headers.lastHeader(name);
		return (header != null) ? header.value() : null;
	}

	private static byte[] required(Headers headers, String name) {
		byte[] value = bytes(headers, name);
		if (value == null) {
			throw new IllegalArgumentException(
					"Record has no " + name + " header; it was not sent by a Varve forwarder");
		}
		return value;
	}

}

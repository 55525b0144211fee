package io.varve.core;

import org.jspecify.annotations.Nullable;

import io.varve.core.evolve.StoredSchemas;

import java.util.UUID;

import io.varve.ExpectedVersion;
import io.varve.core.codec.EnvelopeBuffer;

/**
 * One stream's events, checked and encoded on the caller's thread for the writer (a large
 * synchronous append reaches the writer while its later envelopes are still being
 * encoded: see {@link EnvelopeBuffer#awaitPublished}).
 *
 * @param stream the stream name
 * @param streamName the stream name in UTF-8
 * @param expected the expected version
 * @param envelopes the envelopes, to be stamped by the writer
 * @param ids the event ids, in order
 * @param explicitIds whether any id was given by the caller (only those can be retries)
 * @param bytes the envelopes' size as estimated before encoding, for sizing groups
 * @param newSchemas (type, schema version) pairs of its events that the store had not
 * recorded when it was checked (almost always none), to record with its events
 */
record PreparedAppend(String stream, byte[] streamName, ExpectedVersion expected, EnvelopeBuffer envelopes, UUID[] ids,
		boolean explicitIds, long bytes, StoredSchemas.@Nullable Pending newSchemas) {

}

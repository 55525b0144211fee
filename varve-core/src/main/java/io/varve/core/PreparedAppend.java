package io.varve.core;

import java.util.UUID;

import io.varve.ExpectedVersion;
import io.varve.core.codec.EnvelopeBuffer;

/**
 * One stream's events, encoded on the caller's thread and ready for the writer.
 *
 * @param stream the stream name
 * @param streamName the stream name in UTF-8
 * @param expected the expected version
 * @param envelopes the encoded envelopes, to be stamped by the writer
 * @param ids the event ids, in order
 * @param explicitIds whether any id was given by the caller (only those can be retries)
 * @param bytes total size of the envelopes
 */
record PreparedAppend(String stream, byte[] streamName, ExpectedVersion expected, EnvelopeBuffer envelopes, UUID[] ids,
		boolean explicitIds, long bytes) {

}

package io.varve.core;

import org.jspecify.annotations.Nullable;

import io.varve.StreamForgottenException;
import io.varve.core.codec.Names;
import io.varve.core.crypto.DataKeys;
import io.varve.core.crypto.EventCipher;
import io.varve.core.snapshot.SnapshotSealing;
import io.varve.core.storage.StreamRecord;
import io.varve.core.write.WriteContext;

/**
 * The writer's side of encryption at rest: which streams may take events, and the data
 * key a stream's new events are sealed with. A new stream's key is created while its
 * first events are applied and flushed to the key store once, just before their group
 * commits, so no acknowledged event is sealed with a key that a crash could lose.
 */
final class StreamSealing implements SnapshotSealing {

	private final EventCipher cipher;

	private final DataKeys keys;

	/** One object, so that a group asks for the flush once however many keys it makes. */
	private final Runnable syncKeys;

	StreamSealing(EventCipher cipher) {
		this.cipher = cipher;
		this.keys = cipher.keys();
		this.syncKeys = this.keys::sync;
	}

	/**
	 * Refuses events for a forgotten stream: one that has events but no data key.
	 * @param stream the stream name
	 * @param head its head, or null for a new stream
	 * @throws StreamForgottenException if it was forgotten
	 */
	void checkAppendable(String stream, @Nullable StreamRecord head) {
		// A deleted stream has no event left to read: re-created, it gets a new key.
		if (head != null && head.version() > 0 && !head.deleted() && this.keys.forStream(stream) == null) {
			throw new StreamForgottenException(stream,
					"Stream '" + stream + "' was forgotten (its data key was "
							+ "removed with Varve.forget), so it takes no new events: its " + head.version()
							+ " events read as shredded. Append to a new stream name instead");
		}
	}

	/**
	 * The key to seal a stream's new events with, created for a new stream.
	 * @param stream the stream name
	 * @param context the group's context, told to flush the key store before it commits
	 * when the key is new
	 * @return the key
	 */
	DataKeys.Key keyFor(String stream, WriteContext context) {
		DataKeys.Key key = this.keys.forStream(stream);
		if (key == null) {
			key = this.keys.create(stream);
		}
		if (!key.isDurable()) {
			context.beforeCommit(this.syncKeys);
		}
		return key;
	}

	/** Seals a stream's events as a {@link StreamTail} adds them. */
	record Sealer(EventCipher cipher, DataKeys.Key key) {

		byte[] seal(byte[] envelopes, int offset, int length, long position, long version, long micros, long previous) {
			return this.cipher.seal(this.key, envelopes, offset, length, position, version, micros, previous);
		}

	}

	Sealer sealerFor(String stream, WriteContext context) {
		return new Sealer(this.cipher, keyFor(stream, context));
	}

	@Override
	public byte[] seal(String stream, byte[] boundTo, byte[] state, WriteContext context) {
		checkAppendable(stream, context.txn().stream(Names.streamName(stream)));
		return this.cipher.sealValue(keyFor(stream, context), boundTo, state);
	}

	@Override
	public byte @Nullable [] open(byte[] boundTo, byte[] sealed) {
		return this.cipher.openValue(boundTo, sealed, "A snapshot");
	}

}

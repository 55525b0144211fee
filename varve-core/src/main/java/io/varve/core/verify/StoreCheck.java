package io.varve.core.verify;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.jspecify.annotations.Nullable;
import tools.jackson.dataformat.smile.SmileMapper;

import io.varve.CorruptDataException;
import io.varve.Varve;
import io.varve.VarveException;
import io.varve.core.DefaultVarve;
import io.varve.core.codec.Envelope;
import io.varve.core.codec.EnvelopeChecksum;
import io.varve.core.crypto.EventCipher;
import io.varve.core.storage.DeletedPositions;
import io.varve.core.storage.ReadTxn;
import io.varve.core.storage.StreamRecord;

/**
 * Walks a whole store in one read snapshot (so a store whose application is writing is
 * checked as of one moment) and reports every breach of the invariants a store keeps:
 * positions ascending up to the head; each envelope whole, at its position, with a
 * payload that decodes; each stream's stored versions contiguous, from its first version
 * still stored (1 unless events were deleted) to its version, in position order, each
 * event pointing back to its stream's previous one; each stream's head record agreeing
 * with its events (a deleted stream has none left); the stream index giving each stream's
 * events in order; the event-id index pointing every id at its event; the stream count
 * agreeing. Positions of deleted events are gaps by design: a lost event is found as a
 * hole in its stream's versions or a head that does not match. Encrypted events are
 * checked against their checksum, and opened and decoded when the store was opened with
 * its keys; a shredded one (its stream forgotten) is counted, not a breach.
 */
public final class StoreCheck {

	/** Breaches listed at most; the count goes on. */
	static final int MAX_LISTED = 100;

	private final List<String> breaches = new ArrayList<>();

	private long breachCount;

	private final SmileMapper smile = SmileMapper.builder().build();

	private final @Nullable EventCipher cipher;

	private long shredded;

	private StoreCheck(@Nullable EventCipher cipher) {
		this.cipher = cipher;
	}

	/**
	 * What a check found.
	 *
	 * @param headPosition the head position of the snapshot checked
	 * @param events the events read
	 * @param streams the streams read
	 * @param breachCount how many breaches were found
	 * @param breaches the first of them (at most 100), each a sentence naming where
	 * @param shredded how many encrypted events could not be opened because their stream
	 * was forgotten (no breach)
	 */
	public record Report(long headPosition, long events, long streams, long breachCount, List<String> breaches,
			long shredded) {

		/** Whether the store keeps every invariant. */
		public boolean ok() {
			return this.breachCount == 0;
		}

	}

	/**
	 * Checks a store.
	 * @param varve an open store, read-only or not
	 * @return the report
	 */
	public static Report run(Varve varve) {
		DefaultVarve store = (DefaultVarve) varve;
		return store.read(new StoreCheck(store.cipher())::check);
	}

	private Report check(ReadTxn txn) {
		long head = txn.headPosition();
		Map<String, Walked> streams = new HashMap<>();
		long[] next = { 1, 0 };
		txn.scanLog(1, (position, envelope) -> {
			if (position < next[0]) {
				breach("position " + position + " comes after position " + (next[0] - 1) + " in the log");
			}
			next[0] = position + 1;
			next[1]++;
			checkEvent(txn, position, envelope, streams);
			return true;
		});
		long last = next[0] - 1;
		if (last != head) {
			breach("the log ends at position " + last + " but the head position is " + head);
		}
		long deleted = DeletedPositions.count(txn);
		if (next[1] + deleted != head) {
			breach("the log holds " + next[1] + " events and " + deleted + " positions were deleted, but the head is "
					+ "position " + head + ": " + Math.abs(head - next[1] - deleted) + " position(s) unaccounted for");
		}
		long[] recorded = { 0 };
		txn.scanStreams(new byte[0], (key, value) -> {
			recorded[0]++;
			String name = key.getStringWithoutLengthUtf8(0, key.capacity());
			checkStream(txn, key, value, name, streams.remove(name));
			return true;
		});
		streams.keySet()
			.stream()
			.sorted()
			.forEach((name) -> breach("stream '" + name + "' has events but no head record"));
		if (txn.streamCount() != recorded[0]) {
			breach("the stream count says " + txn.streamCount() + " but " + recorded[0] + " streams are stored");
		}
		return new Report(head, next[1], recorded[0], this.breachCount, List.copyOf(this.breaches), this.shredded);
	}

	private void checkEvent(ReadTxn txn, long position, DirectBuffer envelope, Map<String, Walked> streams) {
		String problem = Envelope.problem(envelope);
		if (problem != null) {
			breach("the envelope at position " + position + " is damaged: " + problem);
			return;
		}
		if (Envelope.position(envelope) != position) {
			breach("the envelope at position " + position + " says position " + Envelope.position(envelope));
		}
		if (Envelope.isSystem(envelope)) {
			// A deletion's record: no stream's version, no indexed id.
			checkPayload(position, envelope);
			return;
		}
		String stream = envelope.getStringWithoutLengthUtf8(Envelope.streamOffset(envelope),
				Envelope.streamLength(envelope));
		Walked walked = streams.computeIfAbsent(stream, (name) -> new Walked());
		long version = Envelope.version(envelope);
		if (walked.count > 0 && version != walked.lastVersion + 1) {
			breach("the event at position " + position + " is version " + version + " of stream '" + stream
					+ "', whose previous event was version " + walked.lastVersion);
		}
		// The first event still stored may point back to a deleted one.
		if (walked.count > 0 && Envelope.previousPosition(envelope) != walked.last) {
			breach("the event at position " + position + " points back to position "
					+ Envelope.previousPosition(envelope) + " but stream '" + stream + "' was last at " + walked.last);
		}
		if (walked.count == 0) {
			walked.first = position;
			walked.firstVersion = version;
		}
		walked.count++;
		walked.last = position;
		walked.lastVersion = version;
		UUID id = Envelope.id(envelope);
		long indexed = txn.positionOf(id);
		if (indexed != position) {
			breach("the event-id index points id " + id + " at " + ((indexed > 0) ? "position " + indexed : "nothing")
					+ ", not at its event at position " + position);
		}
		if (Envelope.isEncrypted(envelope)) {
			checkSealed(position, envelope);
			return;
		}
		checkPayload(position, envelope);
	}

	private void checkPayload(long position, DirectBuffer envelope) {
		byte[] payload = new byte[Envelope.payloadLength(envelope)];
		envelope.getBytes(Envelope.payloadOffset(envelope), payload);
		checkPayload(position, payload);
	}

	/**
	 * An encrypted event: its checksum, then, with the store's keys, that it opens and
	 * its payload decodes. A shredded event (its key forgotten) is no breach.
	 */
	private void checkSealed(long position, DirectBuffer envelope) {
		byte[] stored = new byte[envelope.capacity()];
		envelope.getBytes(0, stored);
		String damage = EnvelopeChecksum.checksumProblem(stored);
		if (damage != null) {
			breach("the encrypted event at position " + position + " is damaged: " + damage);
			return;
		}
		if (this.cipher == null) {
			return;
		}
		byte[] plain;
		try {
			plain = this.cipher.open(stored);
		}
		catch (VarveException ex) {
			breach(ex.getMessage());
			return;
		}
		if (plain == null) {
			this.shredded++;
			return;
		}
		UnsafeBuffer opened = new UnsafeBuffer(plain);
		byte[] payload = new byte[Envelope.payloadLength(opened)];
		opened.getBytes(Envelope.payloadOffset(opened), payload);
		checkPayload(position, payload);
	}

	private void checkPayload(long position, byte[] payload) {
		try {
			this.smile.readTree(payload);
		}
		catch (RuntimeException ex) {
			breach("the payload at position " + position + " does not decode: " + ex.getMessage());
		}
	}

	private void checkStream(ReadTxn txn, DirectBuffer key, DirectBuffer value, String name, Walked walked) {
		String problem = StreamRecord.problem(value);
		if (problem != null) {
			breach("the head record of stream '" + name + "' is damaged: " + problem);
			return;
		}
		StreamRecord record = StreamRecord.decode(value);
		if (record.liveCount() == 0) {
			if (walked != null) {
				breach("stream '" + name + "' is " + (record.deleted() ? "deleted" : "truncated to nothing")
						+ " at version " + record.version() + " but " + walked.count + " of its events are in the log, "
						+ "from position " + walked.first);
			}
			return;
		}
		if (walked == null) {
			breach("stream '" + name + "' has a head record (version " + record.version() + ") but no events");
			return;
		}
		if (record.version() != walked.lastVersion || record.firstVersion() != walked.firstVersion
				|| record.firstPosition() != walked.first || record.lastPosition() != walked.last) {
			breach("the head record of stream '" + name + "' says versions " + record.firstVersion() + ".."
					+ record.version() + " at positions " + record.firstPosition() + ".." + record.lastPosition()
					+ ", its events are versions " + walked.firstVersion + ".." + walked.lastVersion + " at "
					+ walked.first + ".." + walked.last);
		}
		byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
		try {
			scanStream(txn, name, nameBytes, record, walked);
		}
		catch (CorruptDataException ex) {
			breach("the stream index of '" + name + "' cannot be read: " + ex.getMessage());
		}
	}

	private void scanStream(ReadTxn txn, String name, byte[] nameBytes, StreamRecord record, Walked walked) {
		long[] expected = { record.firstVersion() };
		boolean[] broke = { false };
		txn.scanStream(nameBytes, record, 1, true, (position, envelope) -> {
			if (Envelope.problem(envelope) == null
					&& (Envelope.version(envelope) != expected[0] || !Envelope.isOfStream(envelope, nameBytes))) {
				breach("the stream index of '" + name + "' gives position " + position + " as version " + expected[0]);
				broke[0] = true;
				return false;
			}
			expected[0]++;
			return true;
		});
		long given = expected[0] - record.firstVersion();
		if (!broke[0] && given != walked.count) {
			breach("the stream index of '" + name + "' gives " + given + " events, the log " + walked.count);
		}
	}

	private void breach(String breach) {
		this.breachCount++;
		if (this.breaches.size() < MAX_LISTED) {
			this.breaches.add(breach);
		}
	}

	/** What the log walk found of a stream. */
	private static final class Walked {

		long count;

		long first;

		long last;

		long firstVersion;

		long lastVersion;

	}

}

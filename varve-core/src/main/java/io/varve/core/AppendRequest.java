package io.varve.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.agrona.DirectBuffer;

import io.varve.AppendResult;
import io.varve.DuplicateEventIdException;
import io.varve.ExpectedVersion;
import io.varve.StreamDeletedException;
import io.varve.TransactionResult;
import io.varve.WrongExpectedVersionException;
import io.varve.core.codec.Envelope;
import io.varve.core.codec.EnvelopeBuffer;
import io.varve.core.storage.StreamRecord;
import io.varve.core.storage.WriteTxn;
import io.varve.core.write.WriteContext;
import io.varve.core.write.WriteRequest;

/**
 * An append to one stream, or an atomic transaction over several. All checks (expected
 * versions, idempotent retries) run before any write, so a failed check changes nothing.
 *
 * @param <R> {@link AppendResult} for one stream, {@link TransactionResult} for several
 */
final class AppendRequest<R> extends WriteRequest<R> {

	private final List<PreparedAppend> parts;

	private final boolean transaction;

	private final int events;

	private final long bytes;

	private final @Nullable StreamSealing sealing;

	/** The sealing of a large append to an encrypted stream the writer is storing. */
	private volatile @Nullable SealShare share;

	private AppendRequest(List<PreparedAppend> parts, boolean transaction, boolean async,
			@Nullable StreamSealing sealing) {
		super(async);
		this.parts = parts;
		this.sealing = sealing;
		this.transaction = transaction;
		int count = 0;
		long size = 0;
		for (PreparedAppend part : parts) {
			count += part.ids().length;
			size += part.bytes();
		}
		this.events = count;
		this.bytes = size;
	}

	static AppendRequest<AppendResult> single(PreparedAppend part, boolean async) {
		return single(part, async, null);
	}

	static AppendRequest<AppendResult> single(PreparedAppend part, boolean async, @Nullable StreamSealing sealing) {
		return new AppendRequest<>(List.of(part), false, async, sealing);
	}

	static AppendRequest<TransactionResult> transaction(List<PreparedAppend> parts, boolean async,
			@Nullable StreamSealing sealing) {
		return new AppendRequest<>(parts, true, async, sealing);
	}

	@Override
	protected int eventCount() {
		return this.events;
	}

	@Override
	protected long byteSize() {
		return this.bytes;
	}

	@Override
	@SuppressWarnings("unchecked")
	protected R apply(WriteContext context) {
		WriteTxn txn = context.txn();
		int size = this.parts.size();
		StreamRecord[] heads = new StreamRecord[size];
		AppendResult[] retried = new AppendResult[size];
		int retries = 0;
		for (int i = 0; i < size; i++) {
			PreparedAppend part = this.parts.get(i);
			heads[i] = txn.stream(part.streamName());
			long current = (heads[i] != null) ? heads[i].version() : 0;
			if (part.explicitIds()) {
				retried[i] = findRetry(txn, part, heads[i]);
				if (retried[i] != null) {
					retries++;
					continue;
				}
			}
			boolean recreate = part.expected().kind() == ExpectedVersion.Kind.RECREATE;
			if (heads[i] != null && heads[i].deleted()) {
				if (!recreate) {
					throw new StreamDeletedException(part.stream(), current);
				}
			}
			else if (!part.expected().isMetBy(current)) {
				throw new WrongExpectedVersionException(part.stream(), part.expected(), current);
			}
			if (this.sealing != null) {
				this.sealing.checkAppendable(part.stream(), heads[i]);
			}
		}
		if (retries > 0 && retries < size) {
			throw new DuplicateEventIdException("Some streams of this transaction already hold its events and others "
					+ "do not; a transaction is retried whole. Send the original transaction unchanged, or use new ids");
		}
		List<AppendResult> results = new ArrayList<>(size);
		if (retries == size) {
			results.addAll(Arrays.asList(retried));
		}
		else {
			for (int i = 0; i < size; i++) {
				results.add(write(context, this.parts.get(i), heads[i]));
			}
		}
		if (!this.transaction) {
			return (R) results.get(0);
		}
		return (R) new TransactionResult(results, results.get(0).firstPosition(),
				results.get(results.size() - 1).lastPosition());
	}

	private AppendResult write(WriteContext context, PreparedAppend part, StreamRecord head) {
		WriteTxn txn = context.txn();
		long micros = context.timestampMicros();
		StreamSealing.Sealer sealer = (this.sealing != null) ? this.sealing.sealerFor(part.stream(), context) : null;
		StreamTail tail = new StreamTail(txn, head, sealer);
		EnvelopeBuffer envelopes = part.envelopes();
		int count = part.ids().length;
		SealShare share = null;
		for (int i = 0; i < count; i++) {
			// A large append is stored while its caller still encodes its later events.
			envelopes.awaitPublished(i);
			long position = context.nextPosition();
			if (i == 0 && sealer != null && count >= SealShare.MIN_EVENTS && this.parts.size() == 1) {
				// Its caller, done encoding, seals later events while this thread stores.
				share = new SealShare(sealer, envelopes, position, tail.version() + 1, tail.previous(), micros, count);
				this.share = share;
			}
			if (share != null) {
				tail.addSealed(position, share.sealedAt(i, position, tail.previous()), micros);
			}
			else {
				tail.add(position, envelopes.array(i), envelopes.offset(i), envelopes.length(i), micros);
			}
			if (!txn.putEventId(part.ids()[i], position)) {
				// Generated ids are random and explicit ids were checked, so this is not
				// the caller's doing; failing the whole group is the safe answer.
				throw new IllegalStateException("Event id " + part.ids()[i] + " collided while writing");
			}
		}
		tail.putHead(part.streamName(), micros, micros);
		if (part.newSchemas() != null) {
			part.newSchemas().record(txn, context);
		}
		return new AppendResult(part.stream(), tail.first(), tail.previous(), tail.version());
	}

	/**
	 * Called by the thread encoding this append after each slice of envelopes it
	 * publishes: seals some of them itself when the writer is storing this append and
	 * lags behind the encoding (see {@link SealShare#sealAhead}).
	 * @param encoded the number of events encoded and published
	 */
	void sealAhead(int encoded) {
		SealShare current = this.share;
		if (current != null) {
			current.sealAhead(encoded);
		}
	}

	/**
	 * Called by the thread that encoded this append, once it has encoded every event and
	 * before it waits for the commit: seals events of an encrypted stream the writer has
	 * not come to yet, if the writer is storing them (see {@link SealShare}).
	 */
	void helpSeal() {
		SealShare current = this.share;
		if (current != null) {
			current.help();
		}
	}

	/**
	 * Looks for the part's explicit ids in the store. None stored: null (a new append).
	 * All stored, in this stream, at consecutive versions placed as the expected version
	 * says (noStream: from version 1; streamExists: from version 2 on; exact(n): from n +
	 * 1): the original result (a retry). Anything else is a conflict.
	 */
	private static @Nullable AppendResult findRetry(WriteTxn txn, PreparedAppend part, @Nullable StreamRecord head) {
		long currentVersion = (head != null) ? head.version() : 0;
		int count = part.ids().length;
		long[] positions = new long[count];
		int stored = 0;
		for (int i = 0; i < count; i++) {
			positions[i] = txn.positionOf(part.ids()[i]);
			if (positions[i] != 0) {
				stored++;
			}
		}
		if (stored == 0) {
			return null;
		}
		if (stored < count) {
			throw new DuplicateEventIdException("Event ids " + describe(part, positions, true)
					+ " are already stored but " + describe(part, positions, false) + " are not, in the append to '"
					+ part.stream() + "'; retry the original append unchanged, or give the new events new ids");
		}
		long firstVersion = 0;
		long lastVersion = 0;
		for (int i = 0; i < count; i++) {
			DirectBuffer envelope = txn.event(positions[i]);
			if (envelope == null) {
				throw new DuplicateEventIdException("Event id " + part.ids()[i] + " was stored at position "
						+ positions[i] + " and that event has since been deleted; it is not appended again. "
						+ "Use a new id for a new event");
			}
			long version = Envelope.version(envelope);
			if (!sameStream(envelope, part.streamName()) || (i > 0 && version != firstVersion + i)) {
				throw new DuplicateEventIdException("Event id " + part.ids()[i] + " is already stored at position "
						+ positions[i] + ", not as part of the same append to '" + part.stream()
						+ "'; use a new id for a new event");
			}
			if (i == 0) {
				firstVersion = version;
			}
			lastVersion = version;
		}
		ExpectedVersion expected = part.expected();
		// Where the original append put its first event, had it had this expectation.
		boolean placed = switch (expected.kind()) {
			case NO_STREAM -> firstVersion == 1;
			case STREAM_EXISTS -> firstVersion > 1;
			case EXACT -> firstVersion == expected.version() + 1;
			case ANY -> true;
			case RECREATE -> head != null && firstVersion == head.firstVersion();
		};
		if (!placed) {
			if (!expected.isMetBy(currentVersion)) {
				throw new WrongExpectedVersionException(part.stream(), expected, currentVersion);
			}
			throw new DuplicateEventIdException("Event ids " + describe(part, positions, true)
					+ " are already stored at versions " + firstVersion + " to " + lastVersion + " of '" + part.stream()
					+ "', where an append expecting " + expected + " could not have put them; retry the original "
					+ "append with its original expected version, or give new events new ids");
		}
		return new AppendResult(part.stream(), positions[0], positions[count - 1], lastVersion);
	}

	private static boolean sameStream(DirectBuffer envelope, byte[] stream) {
		int offset = Envelope.streamOffset(envelope);
		int length = Envelope.streamLength(envelope);
		if (length != stream.length) {
			return false;
		}
		for (int i = 0; i < length; i++) {
			if (envelope.getByte(offset + i) != stream[i]) {
				return false;
			}
		}
		return true;
	}

	private static String describe(PreparedAppend part, long[] positions, boolean stored) {
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < positions.length && ids.size() < 3; i++) {
			if ((positions[i] != 0) == stored) {
				ids.add(part.ids()[i].toString());
			}
		}
		return ids.toString();
	}

}

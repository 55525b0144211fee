package io.varve.core.read;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.FutureTask;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import org.jspecify.annotations.Nullable;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import io.varve.EncryptionException;
import io.varve.EventFilter;
import io.varve.RecordedEvent;
import io.varve.StreamInfo;
import io.varve.core.codec.Envelope;
import io.varve.core.codec.EnvelopeFilter;
import io.varve.core.codec.EventTypeRegistry;
import io.varve.core.codec.PayloadCodec;
import io.varve.core.crypto.EventCipher;
import io.varve.core.storage.ReadTxn;
import io.varve.core.storage.StorageEngine;
import io.varve.core.storage.StreamRecord;
import io.varve.core.storage.Keys;

/**
 * Turns stored envelopes into {@link RecordedEvent}s. Long reads run in chunks, each in
 * its own short snapshot, so that no snapshot pins old pages for long.
 */
public final class EventReader {

	/** Events per snapshot when scanning lazily. */
	static final int CHUNK = 512;

	/** Most envelopes looked at in one snapshot by a filtered read. */
	static final int SCAN_CHUNK = 8192;

	private final StorageEngine engine;

	private final PayloadCodec codec;

	private final EventTypeRegistry registry;

	private volatile Expander expander = Expander.NONE;

	private volatile @Nullable EventCipher cipher;

	private volatile @Nullable ReadAhead readAhead;

	public EventReader(StorageEngine engine, PayloadCodec codec, EventTypeRegistry registry) {
		this.engine = engine;
		this.codec = codec;
		this.registry = registry;
	}

	/**
	 * Sets what stored events read as (schema evolution); until then each reads as
	 * itself.
	 * @param newExpander the expander
	 */
	public void expandWith(Expander newExpander) {
		this.expander = newExpander;
	}

	/**
	 * Sets the helper that reads lazy scans' next chunks ahead; until then scans read
	 * every chunk on the caller's thread.
	 * @param helper the helper
	 */
	public void readAheadWith(ReadAhead helper) {
		this.readAhead = helper;
	}

	/**
	 * Sets how encrypted events are opened (stores opened with encryption).
	 * @param eventCipher the store's cipher
	 */
	public void decryptWith(EventCipher eventCipher) {
		this.cipher = eventCipher;
	}

	/**
	 * Copies a stored envelope into an event, as it is stored: decrypted in an encrypted
	 * store, or a {@link ShreddedEvent} when its stream was forgotten.
	 * @param envelope the stored envelope, valid only during the call
	 * @return the event
	 */
	public RecordedEvent stored(DirectBuffer envelope) {
		byte[] bytes = new byte[envelope.capacity()];
		envelope.getBytes(0, bytes);
		if (!Envelope.isEncrypted(envelope)) {
			return new StoredEvent(bytes, this.codec, this.registry);
		}
		// Every stored event becomes an event here: an encrypted one is checked as
		// stored,
		// then opened, or read as shredded when its stream's key was forgotten.
		UnsafeBuffer sealed = new UnsafeBuffer(bytes);
		StoredEvent.check(bytes, sealed);
		EventCipher opener = this.cipher;
		if (opener == null) {
			throw new EncryptionException("The event at position " + Envelope.position(sealed) + " is encrypted but "
					+ "the store was opened without encryption; open it with its encryption settings");
		}
		byte[] plain = opener.open(bytes);
		if (plain == null) {
			return new ShreddedEvent(bytes, this.registry);
		}
		return new StoredEvent(plain, this.codec, this.registry, true);
	}

	/**
	 * Adds what a stored envelope reads as: the event, or what upcasters make of it (a
	 * shredded event reads as itself: there is nothing to upcast).
	 * @param envelope the stored envelope, valid only during the call
	 * @param out where the events go
	 */
	public void read(DirectBuffer envelope, List<RecordedEvent> out) {
		RecordedEvent event = stored(envelope);
		if (event instanceof StoredEvent stored) {
			this.expander.read(stored, out);
		}
		else {
			out.add(event);
		}
	}

	/**
	 * The event at a position as it reads: the first event its upcasters make of it, or
	 * null when there is none there or they dropped it.
	 * @param txn the snapshot
	 * @param position the position
	 * @return the event or null
	 */
	public @Nullable RecordedEvent event(ReadTxn txn, long position) {
		DirectBuffer envelope = txn.event(position);
		if (envelope == null || Envelope.isSystem(envelope)) {
			return null;
		}
		List<RecordedEvent> events = new ArrayList<>(1);
		read(envelope, events);
		return events.isEmpty() ? null : events.get(0);
	}

	/**
	 * Reads a stream's events from a version: at least {@code maxCount} of them unless
	 * the stream ends first (events upcasters drop are skipped; the events one stored
	 * event splits into are never separated, so a page may hold a few more).
	 */
	public List<RecordedEvent> readStream(ReadTxn txn, byte[] name, long fromVersion, int maxCount, boolean forward) {
		return readStreamPage(txn, name, fromVersion, maxCount, forward).events();
	}

	private StreamPage readStreamPage(ReadTxn txn, byte[] name, long fromVersion, int maxCount, boolean forward) {
		StreamRecord record = txn.stream(name);
		if (record == null || (forward && fromVersion > record.version())) {
			return new StreamPage(List.of(), fromVersion - 1);
		}
		long available = forward ? record.version() - fromVersion + 1 : Math.min(fromVersion, record.version());
		List<RecordedEvent> events = new ArrayList<>((int) Math.min(maxCount, available));
		long[] last = { fromVersion - 1 };
		txn.scanStream(name, record, fromVersion, forward, (position, envelope) -> {
			last[0] = Envelope.version(envelope);
			read(envelope, events);
			return events.size() < maxCount;
		});
		return new StreamPage(events, last[0]);
	}

	/**
	 * Compiles a filter for log scans: with aliases and upcasters, the stored names that
	 * may read as the filter's types pass the envelope check, and the events they read as
	 * are checked by type after.
	 * @param filter the filter
	 * @return the compiled filter
	 */
	public EnvelopeFilter compile(EventFilter filter) {
		return EnvelopeFilter.of(filter, this.expander::storedNamesOf, this.expander.changesTypes());
	}

	/**
	 * Reads up to {@code maxEvents} matching events from a position, looking at no more
	 * than {@link #SCAN_CHUNK} envelopes per snapshot.
	 * @param fromPosition the first position to look at
	 * @param maxEvents the most events to return
	 * @param filter the filter
	 * @return the events
	 */
	public List<RecordedEvent> readAll(long fromPosition, int maxEvents, EventFilter filter) {
		EnvelopeFilter compiled = compile(filter);
		List<RecordedEvent> events = new ArrayList<>(Math.min(maxEvents, CHUNK));
		long next = Math.max(1, fromPosition);
		while (events.size() < maxEvents) {
			Batch batch = readBatch(next, maxEvents - events.size(), SCAN_CHUNK, compiled);
			events.addAll(batch.events());
			if (batch.atEnd()) {
				break;
			}
			next = batch.lastScanned() + 1;
		}
		return events;
	}

	/**
	 * Reads one batch in one snapshot: the matching events from a position, stopping
	 * after {@code maxEvents} matches, {@code maxScanned} envelopes or the end of the
	 * log.
	 * @param fromPosition the first position to look at
	 * @param maxEvents the most events to return
	 * @param maxScanned the most envelopes to look at
	 * @param filter the filter
	 * @return the batch
	 */
	public Batch readBatch(long fromPosition, int maxEvents, int maxScanned, EnvelopeFilter filter) {
		return readBatch(fromPosition, maxEvents, maxScanned, filter, false);
	}

	/**
	 * Reads one batch in one snapshot, with the events as read or as stored.
	 * @param fromPosition the first position to look at
	 * @param maxEvents the most events to return
	 * @param maxScanned the most envelopes to look at
	 * @param filter the filter
	 * @param asStored whether to skip schema evolution: one event per position, as stored
	 * (filtered by stored names then)
	 * @return the batch
	 */
	public Batch readBatch(long fromPosition, int maxEvents, int maxScanned, EnvelopeFilter filter, boolean asStored) {
		return readBatch(fromPosition, maxEvents, maxScanned, filter, asStored, false);
	}

	/**
	 * Reads one batch of a log scan in its own snapshot, with the records of deletions
	 * ({@link io.varve.EventsDeleted}) among the events if asked for.
	 * @param fromPosition the first position to look at
	 * @param maxEvents the most events to return
	 * @param maxScanned the most envelopes to look at
	 * @param filter the filter (deletion records pass on their stream alone)
	 * @param asStored whether to skip schema evolution
	 * @param deletions whether deletion records are read too
	 * @return the batch
	 */
	public Batch readBatch(long fromPosition, int maxEvents, int maxScanned, EnvelopeFilter filter, boolean asStored,
			boolean deletions) {
		try (ReadTxn txn = this.engine.beginRead()) {
			return readBatch(txn, fromPosition, maxEvents, maxScanned, filter, asStored, deletions);
		}
	}

	/**
	 * Reads one batch of a log scan like
	 * {@link #readBatch(long, int, int, EnvelopeFilter, boolean, boolean)}, in a snapshot
	 * of what the writer has published (which may lack the newest acknowledged appends).
	 * @param fromPosition the first position to look at
	 * @param maxEvents the most events to return
	 * @param maxScanned the most envelopes to look at
	 * @param filter the filter (deletion records pass on their stream alone)
	 * @param asStored whether to skip schema evolution
	 * @param deletions whether deletion records are read too
	 * @return the batch
	 */
	public Batch readPublishedBatch(long fromPosition, int maxEvents, int maxScanned, EnvelopeFilter filter,
			boolean asStored, boolean deletions) {
		try (ReadTxn txn = this.engine.beginReadPublished()) {
			return readBatch(txn, fromPosition, maxEvents, maxScanned, filter, asStored, deletions);
		}
	}

	/**
	 * Reads one batch in a snapshot the caller holds.
	 * @param txn the snapshot
	 * @param fromPosition the first position to look at
	 * @param maxEvents the most events to return
	 * @param maxScanned the most envelopes to look at
	 * @param filter the filter
	 * @return the batch
	 */
	public Batch readBatch(ReadTxn txn, long fromPosition, int maxEvents, int maxScanned, EnvelopeFilter filter) {
		return readBatch(txn, fromPosition, maxEvents, maxScanned, filter, false, false);
	}

	private Batch readBatch(ReadTxn txn, long fromPosition, int maxEvents, int maxScanned, EnvelopeFilter filter,
			boolean asStored, boolean deletions) {
		List<RecordedEvent> events = new ArrayList<>(Math.min(maxEvents, CHUNK));
		long[] state = { fromPosition - 1, 0, 1 };
		txn.scanLog(fromPosition, (position, envelope) -> {
			state[0] = position;
			state[1]++;
			if (Envelope.isSystem(envelope)) {
				// A deletion's record: only for those who asked, of streams they take.
				if (deletions && filter.matchesStream(envelope)) {
					events.add(stored(envelope));
				}
			}
			// The storage layer checked the envelope, so the filter may read its lengths.
			else if (filter.matches(envelope)) {
				if (asStored) {
					events.add(stored(envelope));
				}
				else {
					int before = events.size();
					read(envelope, events);
					filter.keepMatching(events, before);
				}
			}
			if (events.size() >= maxEvents || state[1] >= maxScanned) {
				state[2] = 0;
				return false;
			}
			return true;
		});
		long head = txn.headPosition();
		if (state[2] == 1) {
			// The scan ran to the end: positions of deleted events up to the head count
			// as looked at.
			state[0] = Math.max(state[0], head);
		}
		return new Batch(events, state[0], head, state[0] >= head);
	}

	public Stream<RecordedEvent> scanStream(byte[] name, long fromVersion) {
		return lazily(this.readAhead, new ChunkSource() {
			private long nextVersion = fromVersion;

			@Override
			public List<RecordedEvent> nextChunk() {
				while (true) {
					StreamPage page;
					try (ReadTxn txn = EventReader.this.engine.beginRead()) {
						page = readStreamPage(txn, name, this.nextVersion, CHUNK, true);
					}
					if (page.lastVersion() < this.nextVersion) {
						return List.of();
					}
					this.nextVersion = page.lastVersion() + 1;
					if (!page.events().isEmpty()) {
						return page.events();
					}
				}
			}
		});
	}

	public Stream<RecordedEvent> scanAll(long fromPosition, EventFilter filter) {
		EnvelopeFilter compiled = compile(filter);
		return lazily(this.readAhead, new ChunkSource() {
			private long next = Math.max(1, fromPosition);

			@Override
			public List<RecordedEvent> nextChunk() {
				// Ends only on a read that finds nothing more, so that events appended
				// while the last chunk was consumed are part of the scan.
				while (true) {
					Batch batch = readBatch(this.next, CHUNK, SCAN_CHUNK, compiled);
					this.next = batch.lastScanned() + 1;
					if (!batch.events().isEmpty()) {
						return batch.events();
					}
					if (batch.atEnd()) {
						return List.of();
					}
				}
			}
		});
	}

	public List<StreamInfo> listStreams(ReadTxn txn, String prefix, String after, int limit) {
		byte[] prefixBytes = prefix.getBytes(StandardCharsets.UTF_8);
		byte[] from = prefixBytes;
		byte[] afterBytes = (after != null) ? after.getBytes(StandardCharsets.UTF_8) : null;
		if (afterBytes != null && compare(afterBytes, prefixBytes) >= 0) {
			from = afterBytes;
		}
		List<StreamInfo> page = new ArrayList<>(Math.min(limit, 256));
		txn.scanStreams(from, (key, value) -> {
			if (!Keys.startsWith(key, prefixBytes)) {
				return false;
			}
			byte[] name = new byte[key.capacity()];
			key.getBytes(0, name);
			if (afterBytes != null && compare(name, afterBytes) <= 0) {
				return true;
			}
			StreamRecord record = StreamRecord.decode(value);
			if (!record.deleted()) {
				page.add(streamInfo(new String(name, StandardCharsets.UTF_8), record));
			}
			return page.size() < limit;
		});
		return page;
	}

	public static StreamInfo streamInfo(String stream, StreamRecord record) {
		return new StreamInfo(stream, record.version(), record.firstPosition(), record.lastPosition(),
				instant(record.createdMicros()), instant(record.updatedMicros()));
	}

	public long[] lastPositionAndMicros() {
		try (ReadTxn txn = this.engine.beginRead()) {
			long head = txn.headPosition();
			DirectBuffer last = (head > 0) ? txn.event(head) : null;
			return new long[] { head, (last != null) ? Envelope.timestampMicros(last) : 0 };
		}
	}

	public static Instant instant(long micros) {
		return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
	}

	private static int compare(byte[] a, byte[] b) {
		return java.util.Arrays.compareUnsigned(a, b);
	}

	/**
	 * A lazy stream over a source's chunks. From the second chunk on (a scan that long is
	 * not a peek at its first events), the next chunk is read ahead while the caller
	 * consumes the current one. A chunk read ahead that came back empty is read again
	 * when the caller gets to it: events appended meanwhile belong to the scan.
	 */
	private static Stream<RecordedEvent> lazily(@Nullable ReadAhead readAhead, ChunkSource source) {
		Iterator<RecordedEvent> iterator = new Iterator<>() {
			private Iterator<RecordedEvent> chunk = List.<RecordedEvent>of().iterator();

			private @Nullable FutureTask<List<RecordedEvent>> ahead;

			private int taken;

			private boolean exhausted;

			@Override
			public boolean hasNext() {
				while (!this.chunk.hasNext() && !this.exhausted) {
					List<RecordedEvent> next = nextChunk();
					this.exhausted = next.isEmpty();
					this.chunk = next.iterator();
				}
				return this.chunk.hasNext();
			}

			private List<RecordedEvent> nextChunk() {
				List<RecordedEvent> next = null;
				if (this.ahead != null) {
					next = ReadAhead.take(this.ahead);
					this.ahead = null;
				}
				if (next == null || next.isEmpty()) {
					next = source.nextChunk();
				}
				if (!next.isEmpty() && ++this.taken >= 2 && readAhead != null) {
					this.ahead = readAhead.start(source::nextChunk);
				}
				return next;
			}

			@Override
			public RecordedEvent next() {
				if (!hasNext()) {
					throw new NoSuchElementException();
				}
				return this.chunk.next();
			}
		};
		return StreamSupport.stream(Spliterators.spliteratorUnknownSize(iterator,
				Spliterator.ORDERED | Spliterator.NONNULL | Spliterator.IMMUTABLE), false);
	}

	private interface ChunkSource {

		List<RecordedEvent> nextChunk();

	}

	/**
	 * What stored events read as: the hook of schema evolution.
	 */
	public interface Expander {

		/** Each stored event reads as itself. */
		Expander NONE = new Expander() {
		};

		/**
		 * Adds what a stored event reads as.
		 * @param event the stored event
		 * @param out where the events go
		 */
		default void read(StoredEvent event, List<RecordedEvent> out) {
			out.add(event);
		}

		/**
		 * The stored type names that may read as a type.
		 * @param type the type name
		 * @return the stored names
		 */
		default Set<String> storedNamesOf(String type) {
			return Set.of(type);
		}

		/** Whether reading may change an event's type (so filters check types after). */
		default boolean changesTypes() {
			return false;
		}

	}

	private record StreamPage(List<RecordedEvent> events, long lastVersion) {

	}

	/**
	 * One batch of a log scan.
	 *
	 * @param events the matching events
	 * @param lastScanned the last position looked at (matching or not), or the start
	 * minus one when nothing was
	 * @param headPosition the head position in the snapshot
	 * @param atEnd whether the scan reached the head
	 */
	public record Batch(List<RecordedEvent> events, long lastScanned, long headPosition, boolean atEnd) {

	}

}

package io.varve;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

/**
 * An embedded, append-only event store. Thread-safe; open one instance per store
 * directory and share it.
 *
 * <pre>{@code
 * try (Varve varve = Varve.open(Path.of("varve-data"))) {
 *     AppendResult opened = varve.append("account-42", ExpectedVersion.noStream(), new AccountOpened("alice"));
 *     varve.append("account-42", ExpectedVersion.exact(opened.version()), new Deposited(100));
 *     for (RecordedEvent event : varve.readStream("account-42", 1, 100)) {
 *         System.out.println(event.version() + " " + event.data());
 *     }
 * }
 * }</pre>
 *
 * <p>
 * Every event gets a global position (gapless, starting at 1, in commit order) and a
 * version within its stream (starting at 1, so a stream's version is its event count).
 * Appends from many threads are committed together in groups, one transaction and one
 * sync per group.
 */
public interface Varve extends AutoCloseable {

	/** Longest stream name, in UTF-8 bytes. */
	int MAX_STREAM_NAME_BYTES = 255;

	/**
	 * Opens (creating if needed) a store with default settings: durable commits
	 * ({@link Durability#SYNC}), a map that starts at 64 MiB and grows as needed.
	 * @param path the store directory
	 * @return the open store
	 */
	static Varve open(Path path) {
		return builder().path(path).open();
	}

	/**
	 * Opens an existing store for reading only, for example to inspect a store that
	 * another process is writing. Appends throw {@link ReadOnlyStoreException}.
	 * @param path the store directory
	 * @return the open store
	 */
	static Varve openReadOnly(Path path) {
		return builder().path(path).readOnly().open();
	}

	/**
	 * A builder for a store with custom settings.
	 * @return a new builder
	 */
	static VarveBuilder builder() {
		return new VarveBuilder();
	}

	/**
	 * The category of a stream: the part of its name before the first {@code -}, or the
	 * whole name when it has none ({@code account-42} is in category {@code account}).
	 * @param stream the stream name
	 * @return its category
	 */
	static String categoryOf(String stream) {
		int dash = stream.indexOf('-');
		return (dash < 0) ? stream : stream.substring(0, dash);
	}

	// Appending

	/**
	 * Appends events to a stream, atomically, if its version meets the expectation.
	 * @param stream the stream name
	 * @param expected what the stream's current version must be
	 * @param events the events: the user's own objects, or {@link EventData}
	 * @return where the events were written and the stream's new version
	 * @throws WrongExpectedVersionException if the stream's version does not match
	 */
	default AppendResult append(String stream, ExpectedVersion expected, Object... events) {
		return append(stream, expected, StreamAppend.toEventData(events));
	}

	/**
	 * Appends events with their envelope fields (ids, correlation, metadata) to a stream.
	 * An append whose explicit event ids are already stored at the same place in the same
	 * stream is a retry: it writes nothing and returns the original result.
	 * @param stream the stream name
	 * @param expected what the stream's current version must be
	 * @param events the events, at least one
	 * @return where the events were written and the stream's new version
	 * @throws WrongExpectedVersionException if the stream's version does not match
	 * @throws DuplicateEventIdException if an id is stored elsewhere or only some are
	 * stored
	 */
	AppendResult append(String stream, ExpectedVersion expected, List<EventData> events);

	/**
	 * Like {@link #append(String, ExpectedVersion, Object...)}, without waiting. The
	 * events are encoded before this returns; the future completes (on a Varve thread)
	 * once they are committed, or with the exception that {@code append} would have
	 * thrown.
	 * @param stream the stream name
	 * @param expected what the stream's current version must be
	 * @param events the events
	 * @return the future result
	 */
	default CompletableFuture<AppendResult> appendAsync(String stream, ExpectedVersion expected, Object... events) {
		return appendAsync(stream, expected, StreamAppend.toEventData(events));
	}

	/**
	 * Like {@link #append(String, ExpectedVersion, List)}, without waiting.
	 * @param stream the stream name
	 * @param expected what the stream's current version must be
	 * @param events the events
	 * @return the future result
	 */
	CompletableFuture<AppendResult> appendAsync(String stream, ExpectedVersion expected, List<EventData> events);

	/**
	 * Appends to several streams atomically: either every stream's expected version holds
	 * and all events are written, or nothing is.
	 * @param appends one part per stream; a stream may appear once
	 * @return the results per stream
	 * @throws WrongExpectedVersionException for the first stream whose version does not
	 * match
	 */
	default TransactionResult transaction(StreamAppend... appends) {
		if (appends == null) {
			throw new InvalidArgumentException("Transaction parts must not be null");
		}
		return transaction(List.of(appends));
	}

	/**
	 * Appends to several streams atomically.
	 * @param appends one part per stream
	 * @return the results per stream
	 */
	TransactionResult transaction(List<StreamAppend> appends);

	/**
	 * Like {@link #transaction(List)}, without waiting.
	 * @param appends one part per stream
	 * @return the future results
	 */
	CompletableFuture<TransactionResult> transactionAsync(List<StreamAppend> appends);

	// Deleting

	/**
	 * Deletes a stream: its events disappear from every read ({@code readStream},
	 * {@code readAll}, scans, processors, the actuator) at once, in one transaction, and
	 * their space is reused by later appends. Their positions stay taken (positions are
	 * never reused; readers pass over them, and processor lag stays exact). The stream
	 * keeps a tombstone with its last version: appends to it fail with
	 * {@link StreamDeletedException} unless they ask to start it again with
	 * {@link ExpectedVersion#recreate()}. Processors that ask for deletions receive an
	 * {@link EventsDeleted} at the returned position.
	 *
	 * <pre>{@code
	 * varve.deleteStream("customer-42", ExpectedVersion.exact(17));
	 * }</pre>
	 * @param stream the stream name
	 * @param expected the version the stream must be at ({@link ExpectedVersion#any()}
	 * for whatever it is)
	 * @return what was deleted, and where the deletion's record is
	 * @throws WrongExpectedVersionException if the stream is at another version or does
	 * not exist (nothing is deleted)
	 * @throws StreamDeletedException if it is already deleted
	 */
	DeleteResult deleteStream(String stream, ExpectedVersion expected);

	/**
	 * Deletes a stream's events before a version, as {@link #deleteStream} deletes them
	 * all; the stream goes on, and its version numbering continues. A version past the
	 * stream's end deletes all its events (the stream stays, at its version). Deleting
	 * nothing (no event before that version is left) writes nothing.
	 * @param stream the stream name
	 * @param version the first version to keep, 1 or more
	 * @return what was deleted ({@link DeleteResult#deletedCount()} 0 when nothing was)
	 * @throws WrongExpectedVersionException if the stream does not exist
	 * @throws StreamDeletedException if it is deleted
	 */
	DeleteResult truncateBefore(String stream, long version);

	/**
	 * What the retention task ({@link VarveBuilder#retention}) has done: its policies,
	 * passes, streams examined and events deleted.
	 * @return the status (no policies and nothing done when none is set)
	 */
	RetentionStatus retentionStatus();

	/**
	 * Runs a retention pass now, on this thread (after a running one ends), and returns
	 * when it is done.
	 * @return the status after it
	 */
	RetentionStatus applyRetention();

	// Reading

	/**
	 * Reads a stream forward.
	 * @param stream the stream name
	 * @param fromVersion the first version to read, 1 or more
	 * @param maxCount the most events to return, 1 or more
	 * @return the events in version order; empty when the stream does not exist or has no
	 * events from that version
	 */
	List<RecordedEvent> readStream(String stream, long fromVersion, int maxCount);

	/**
	 * Reads a stream backward.
	 * @param stream the stream name
	 * @param fromVersion the first version to read, going down; a version past the end
	 * (such as {@code Long.MAX_VALUE}) starts at the last event
	 * @param maxCount the most events to return, 1 or more
	 * @return the events in descending version order
	 */
	List<RecordedEvent> readStreamBackward(String stream, long fromVersion, int maxCount);

	/**
	 * Reads the global log forward.
	 * @param fromPosition the first position to read (0 or 1 for the beginning)
	 * @param maxCount the most events to return, 1 or more
	 * @return the events in position order
	 */
	default List<RecordedEvent> readAll(long fromPosition, int maxCount) {
		return readAll(fromPosition, maxCount, EventFilter.all());
	}

	/**
	 * Reads the events of the global log that pass a filter. The filter looks only at
	 * envelopes, so events that do not pass are never decoded.
	 * @param fromPosition the first position to look at (0 or 1 for the beginning)
	 * @param maxCount the most events to return, 1 or more
	 * @param filter which events to return
	 * @return the matching events in position order
	 */
	List<RecordedEvent> readAll(long fromPosition, int maxCount, EventFilter filter);

	/**
	 * Reads one event by position.
	 * @param position its position
	 * @return the event, or empty when the position is past the head
	 */
	Optional<RecordedEvent> readEvent(long position);

	/**
	 * All events of a stream from a version on, read lazily in chunks: the whole stream
	 * is never in memory, and no snapshot stays open between chunks. Events appended
	 * while the stream is consumed are included.
	 *
	 * <pre>{@code
	 * long balance = varve.scanStream("account-42", 1)
	 *     .map(RecordedEvent::data)
	 *     .mapToLong(Account::amountOf)
	 *     .sum();
	 * }</pre>
	 * @param stream the stream name
	 * @param fromVersion the first version, 1 or more
	 * @return a lazy stream of events
	 */
	Stream<RecordedEvent> scanStream(String stream, long fromVersion);

	/**
	 * The global log from a position on, filtered and read lazily in chunks.
	 * @param fromPosition the first position (0 or 1 for the beginning)
	 * @param filter which events to return
	 * @return a lazy stream of events
	 */
	Stream<RecordedEvent> scanAll(long fromPosition, EventFilter filter);

	// Streams and the log

	/**
	 * What is known of a stream without reading its events.
	 * @param stream the stream name
	 * @return its head, or empty when it does not exist
	 */
	Optional<StreamInfo> streamInfo(String stream);

	/**
	 * Lists streams in name order, a page at a time.
	 * @param prefix only names starting with this (such as {@code "account-"}), or empty
	 * for all
	 * @param after start after this name (the last name of the previous page), or null
	 * for the first page
	 * @param limit the most streams to return, 1 to 10,000
	 * @return the page
	 */
	List<StreamInfo> listStreams(String prefix, @Nullable String after, int limit);

	/** Number of streams. */
	long streamCount();

	/** Position of the last event in the log; 0 when the log is empty. */
	long headPosition();

	// Processors

	/**
	 * The processors of this store: checkpointed handlers that catch up on the log and
	 * then follow it, with projection state committed together with their checkpoints.
	 *
	 * <pre>{@code
	 * varve.processors().register(ProcessorDefinition.builder("balances").handler(...).build());
	 * varve.processors().start("balances");
	 * }</pre>
	 * @return the store's processor registry, one per store
	 */
	io.varve.processor.ProcessorRegistry processors();

	/**
	 * The store's snapshots of aggregate state, which {@link AggregateRepository} writes
	 * and reads.
	 * @return the snapshot store, one per store
	 */
	SnapshotStore snapshots();

	// Operations

	/** The store directory. */
	Path path();

	/** Current settings and storage figures. */
	StoreInfo storeInfo();

	/**
	 * The head, stream count, storage figures and every processor's status, read from one
	 * snapshot so that they agree with each other (a processor's lag is against the head
	 * reported beside it). For dashboards and health checks.
	 * <p>
	 * This default reads them call by call, for implementations that wrap a store; the
	 * store {@link #open} returns reads them from one snapshot.
	 * @return the overview
	 */
	default StoreOverview overview() {
		return new StoreOverview(headPosition(), streamCount(), storeInfo(), processors().statuses());
	}

	/**
	 * Writes a consistent, compacted copy of the store into an empty directory while
	 * appends go on. Open the copy with {@link #open(Path)} to restore.
	 * @param target an empty or new directory
	 */
	void backup(Path target);

	/**
	 * Forgets a stream of an encrypted store (crypto-shredding): its data key is removed
	 * from the key store, which is rewritten and flushed before this returns, and its
	 * snapshots are deleted. Its events stay in the log but can never be decrypted again,
	 * here or in any backup of the store, including backups taken before: they read as
	 * shredded ({@link RecordedEvent#isShredded()}), processors skip them, and appends to
	 * the stream are refused ({@link StreamForgottenException}). Appends queued before
	 * the call are committed first; projections built from the stream's events are the
	 * application's to clear.
	 *
	 * <pre>{@code
	 * varve.forget("customer-7");
	 * }</pre>
	 * @param stream the stream
	 * @return whether the stream had a key (false for an unknown or already forgotten
	 * stream)
	 * @throws InvalidArgumentException if the store is not encrypted
	 * @throws ReadOnlyStoreException if the store is open read-only
	 */
	boolean forget(String stream);

	/**
	 * Rewraps every stream's data key under the key provider's current master key and
	 * rewrites the key store; events are not touched. Afterwards the previous master keys
	 * are no longer needed.
	 * @return how many data keys were rewrapped
	 * @throws InvalidArgumentException if the store is not encrypted
	 * @throws EncryptionException if the provider cannot unwrap a key (give it the
	 * previous master key too)
	 */
	int rotateKeys();

	/** Whether the store encrypts its events ({@link VarveBuilder#encryption}). */
	boolean isEncrypted();

	/** Whether the store is open. */
	boolean isOpen();

	/**
	 * Closes the store: appends already queued are committed, later ones are refused, and
	 * the files are released once running reads end. Idempotent.
	 */
	@Override
	void close();

}

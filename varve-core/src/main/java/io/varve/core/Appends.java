package io.varve.core;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import org.jspecify.annotations.Nullable;

import io.varve.AppendResult;
import io.varve.DeleteResult;
import io.varve.EventData;
import io.varve.ExpectedVersion;
import io.varve.InvalidArgumentException;
import io.varve.ReadOnlyStoreException;
import io.varve.StreamAppend;
import io.varve.TransactionResult;
import io.varve.VarveException;
import io.varve.core.codec.Names;
import io.varve.core.codec.PayloadCodec;
import io.varve.core.listen.Listeners;
import io.varve.core.listen.MetadataEntries;
import io.varve.core.util.Threads;
import io.varve.core.write.GroupCommitWriter;

/**
 * The append path of a store: told to the listeners, checked and encoded on the caller's
 * thread, committed by the group-commit writer. Appends and transactions, waiting or not.
 */
final class Appends {

	private final EventEncoder encoder;

	private final @Nullable GroupCommitWriter writer;

	private final Listeners listeners;

	private final PayloadCodec codec;

	private final Path path;

	private final Runnable openCheck;

	private final boolean replica;

	private final @Nullable StreamSealing sealing;

	/**
	 * @param encoder checks and encodes events
	 * @param writer the writer, or null for a read-only store
	 * @param listeners told about every append
	 * @param codec encodes the metadata entries listeners add
	 * @param path the store directory, for messages
	 * @param openCheck throws when the store is closed
	 * @param replica whether the store is a replica, which refuses appends
	 * @param sealing seals events in an encrypted store, or null
	 */
	Appends(EventEncoder encoder, GroupCommitWriter writer, Listeners listeners, PayloadCodec codec, Path path,
			Runnable openCheck, boolean replica, @Nullable StreamSealing sealing) {
		this.sealing = sealing;
		this.encoder = encoder;
		this.writer = writer;
		this.listeners = listeners;
		this.codec = codec;
		this.path = path;
		this.openCheck = openCheck;
		this.replica = replica;
	}

	/**
	 * Appends and waits for the commit.
	 * @param stream the stream
	 * @param expected the expected version
	 * @param events the events
	 * @return the result
	 */
	AppendResult append(String stream, ExpectedVersion expected, List<EventData> events) {
		if (this.listeners.isEmpty()) {
			return await(appendAsync(stream, expected, events, false));
		}
		return this.listeners.observe(Listeners.appendStart(stream, events, false), (entries) -> await(
				appendAsync(stream, expected, MetadataEntries.addTo(events, entries, this.codec), false)));
	}

	CompletableFuture<AppendResult> appendAsync(String stream, ExpectedVersion expected, List<EventData> events) {
		if (this.listeners.isEmpty()) {
			return appendAsync(stream, expected, events, true);
		}
		return this.listeners.observeAsync(Listeners.appendStart(stream, events, true),
				(entries) -> appendAsync(stream, expected, MetadataEntries.addTo(events, entries, this.codec), true));
	}

	private CompletableFuture<AppendResult> appendAsync(String stream, ExpectedVersion expected, List<EventData> events,
			boolean async) {
		GroupCommitWriter writer = appendWriter();
		if (async || events == null || events.size() < EventEncoder.STREAM_THRESHOLD || !writer.idle()) {
			PreparedAppend part = prepare(stream, expected, events, new HashSet<>());
			return writer.submit(AppendRequest.single(part, async, this.sealing), true);
		}
		// A large synchronous append while the writer is idle: queued once its first
		// envelopes are encoded, so the writer stores them while this thread encodes the
		// rest instead of waiting for it. A busy writer has other groups to commit
		// meanwhile, and should not hold them for this encoding; and asynchronous appends
		// overlap already: the writer stores one while its caller encodes the next.
		EventEncoder.Pending pending = this.encoder.check(stream, expected, events, new HashSet<>());
		AppendRequest<AppendResult> request = AppendRequest.single(pending.part(), false, this.sealing);
		this.encoder.encode(pending, () -> writer.submit(request), request::sealAhead);
		request.helpSeal();
		return request.future();
	}

	TransactionResult transaction(List<StreamAppend> appends) {
		if (this.listeners.isEmpty()) {
			return await(transactionAsync(appends, false));
		}
		return this.listeners.observe(Listeners.transactionStart(appends, false),
				(entries) -> await(transactionAsync(MetadataEntries.addToParts(appends, entries, this.codec), false)));
	}

	CompletableFuture<TransactionResult> transactionAsync(List<StreamAppend> appends) {
		if (this.listeners.isEmpty()) {
			return transactionAsync(appends, true);
		}
		return this.listeners.observeAsync(Listeners.transactionStart(appends, true),
				(entries) -> transactionAsync(MetadataEntries.addToParts(appends, entries, this.codec), true));
	}

	private CompletableFuture<TransactionResult> transactionAsync(List<StreamAppend> appends, boolean async) {
		GroupCommitWriter writer = appendWriter();
		if (appends == null || appends.isEmpty()) {
			throw new InvalidArgumentException("A transaction needs at least one stream append");
		}
		Set<String> streams = new HashSet<>();
		Set<UUID> ids = new HashSet<>();
		List<PreparedAppend> parts = new ArrayList<>(appends.size());
		for (StreamAppend append : appends) {
			if (append == null) {
				throw new InvalidArgumentException("A transaction part is null");
			}
			if (!streams.add(append.stream())) {
				throw new InvalidArgumentException("Stream '" + append.stream()
						+ "' appears twice in one transaction; put all its events in one StreamAppend");
			}
			parts.add(prepare(append.stream(), append.expectedVersion(), append.events(), ids));
		}
		return writer.submit(AppendRequest.transaction(parts, async, this.sealing), true);
	}

	private PreparedAppend prepare(String stream, ExpectedVersion expected, List<EventData> events, Set<UUID> seen) {
		return this.encoder.prepare(stream, expected, events, seen);
	}

	/** The writer for the application's appends, which a replica refuses. */
	/**
	 * Deletes a stream, or its events before a version, and waits for the commit.
	 * @param stream the stream
	 * @param expected the expected version for a whole-stream delete, null to truncate
	 * @param beforeVersion for a truncation, the first version kept
	 * @return the result
	 */
	DeleteResult delete(String stream, @Nullable ExpectedVersion expected, long beforeVersion) {
		GroupCommitWriter writer = appendWriter();
		Names.streamName(stream);
		DeleteRequest request;
		if (expected != null) {
			request = DeleteRequest.deleteStream(stream, expected, this.codec);
		}
		else {
			if (beforeVersion < 1) {
				throw new InvalidArgumentException(
						"The first version to keep must be 1 or more (versions start at 1), " + "got " + beforeVersion);
			}
			request = DeleteRequest.truncateBefore(stream, beforeVersion, this.codec, false);
		}
		return await(writer.submit(request, true));
	}

	/**
	 * Deletes a stream's events before a version, without waiting.
	 * @param stream the stream
	 * @param beforeVersion the first version kept
	 * @return the future result
	 */
	CompletableFuture<DeleteResult> truncateAsync(String stream, long beforeVersion) {
		return appendWriter().submit(DeleteRequest.truncateBefore(stream, beforeVersion, this.codec, true));
	}

	private GroupCommitWriter appendWriter() {
		GroupCommitWriter writer = writer();
		if (this.replica) {
			throw new ReadOnlyStoreException("The store at " + this.path + " is a replica: it takes events only "
					+ "from its source's feed. Append through the application that owns the source store; to make "
					+ "this store the writer, stop the source, let the replica catch up and open it without replica()");
		}
		return writer;
	}

	/**
	 * The writer, for writes other than appends.
	 * @return the writer
	 * @throws ReadOnlyStoreException if the store is open read-only
	 */
	GroupCommitWriter writer() {
		this.openCheck.run();
		if (this.writer == null) {
			throw new ReadOnlyStoreException(
					"The store at " + this.path + " was opened read-only; append through the process that owns it");
		}
		return this.writer;
	}

	static <T> T await(CompletableFuture<T> future) {
		try {
			return future.get();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new VarveException("Interrupted while waiting for an append to commit; it may or may not have "
					+ "been written (retry it with the same event ids to be sure)", ex);
		}
		catch (ExecutionException ex) {
			throw Threads.failureOf(ex, "Append");
		}
	}

}

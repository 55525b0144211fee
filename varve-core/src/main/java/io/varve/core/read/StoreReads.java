package io.varve.core.read;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;

import io.varve.EventFilter;
import io.varve.InvalidArgumentException;
import io.varve.RecordedEvent;
import io.varve.StreamInfo;
import io.varve.core.codec.Names;
import io.varve.core.storage.ReadTxn;
import io.varve.core.storage.StorageEngine;

/**
 * The read path of a store: the public read methods' checks, then reads from pooled
 * snapshots of the storage engine through the {@link EventReader}.
 */
public final class StoreReads {

	private final StorageEngine engine;

	private final EventReader reader;

	private final Runnable openCheck;

	/**
	 * Creates the read path of a store.
	 * @param engine the storage engine
	 * @param reader turns envelopes into events
	 * @param openCheck throws when the store is closed
	 */
	public StoreReads(StorageEngine engine, EventReader reader, Runnable openCheck) {
		this.engine = engine;
		this.reader = reader;
		this.openCheck = openCheck;
	}

	public List<RecordedEvent> readStream(String stream, long fromVersion, int maxCount) {
		byte[] name = Names.streamName(stream);
		checkVersion(fromVersion);
		checkCount(maxCount);
		return read((txn) -> this.reader.readStream(txn, name, fromVersion, maxCount, true));
	}

	public List<RecordedEvent> readStreamBackward(String stream, long fromVersion, int maxCount) {
		byte[] name = Names.streamName(stream);
		checkVersion(fromVersion);
		checkCount(maxCount);
		return read((txn) -> this.reader.readStream(txn, name, fromVersion, maxCount, false));
	}

	public List<RecordedEvent> readAll(long fromPosition, int maxCount, EventFilter filter) {
		checkPosition(fromPosition);
		checkCount(maxCount);
		checkFilter(filter);
		this.openCheck.run();
		return this.reader.readAll(fromPosition, maxCount, filter);
	}

	public Optional<RecordedEvent> readEvent(long position) {
		if (position < 1) {
			throw new InvalidArgumentException("Position must be 1 or more (the first event is at 1), got " + position);
		}
		return read((txn) -> Optional.ofNullable(this.reader.event(txn, position)));
	}

	public Stream<RecordedEvent> scanStream(String stream, long fromVersion) {
		byte[] name = Names.streamName(stream);
		checkVersion(fromVersion);
		this.openCheck.run();
		return this.reader.scanStream(name, fromVersion);
	}

	public Stream<RecordedEvent> scanAll(long fromPosition, EventFilter filter) {
		checkPosition(fromPosition);
		checkFilter(filter);
		this.openCheck.run();
		return this.reader.scanAll(fromPosition, filter);
	}

	public Optional<StreamInfo> streamInfo(String stream) {
		byte[] name = Names.streamName(stream);
		return read((txn) -> Optional.ofNullable(txn.stream(name))
			.filter((record) -> !record.deleted())
			.map((record) -> EventReader.streamInfo(stream, record)));
	}

	public List<StreamInfo> listStreams(String prefix, String after, int limit) {
		if (prefix == null) {
			throw new InvalidArgumentException("Prefix must not be null; use \"\" to list every stream");
		}
		if (limit < 1 || limit > 10_000) {
			throw new InvalidArgumentException("Limit must be between 1 and 10000, got " + limit);
		}
		return read((txn) -> this.reader.listStreams(txn, prefix, after, limit));
	}

	public long streamCount() {
		return read(ReadTxn::streamCount);
	}

	public long headPosition() {
		return read(ReadTxn::headPosition);
	}

	/**
	 * Runs a function in one read snapshot, so that everything it reads is consistent.
	 * @param <T> the result type
	 * @param function the function; it must not keep the transaction or its buffers
	 * @return the function's result
	 */
	public <T> T read(Function<ReadTxn, T> function) {
		return readIn(this.engine::beginRead, function);
	}

	/**
	 * Runs a function in one snapshot of what the writer has published, which may lack
	 * the newest acknowledged appends (for retention's passes, which must not end the
	 * writer's batches).
	 * @param <T> the result type
	 * @param function the function
	 * @return its result
	 */
	public <T> T readPublished(Function<ReadTxn, T> function) {
		return readIn(this.engine::beginReadPublished, function);
	}

	private <T> T readIn(Supplier<ReadTxn> snapshot, Function<ReadTxn, T> function) {
		this.openCheck.run();
		try (ReadTxn txn = snapshot.get()) {
			return function.apply(txn);
		}
	}

	private static void checkVersion(long fromVersion) {
		if (fromVersion < 1) {
			throw new InvalidArgumentException(
					"fromVersion must be 1 or more (a stream's first event has version 1), got " + fromVersion);
		}
	}

	private static void checkPosition(long fromPosition) {
		if (fromPosition < 0) {
			throw new InvalidArgumentException(
					"fromPosition must be 0 or more (0 and 1 both read from the first event), got " + fromPosition);
		}
	}

	private static void checkCount(int maxCount) {
		if (maxCount < 1) {
			throw new InvalidArgumentException("maxCount must be 1 or more, got " + maxCount);
		}
	}

	private static void checkFilter(EventFilter filter) {
		if (filter == null) {
			throw new InvalidArgumentException("Filter must not be null; use EventFilter.all()");
		}
	}

}

package io.varve.core;

import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;

import io.varve.AppendResult;
import io.varve.Durability;
import io.varve.EventData;
import io.varve.EventFilter;
import io.varve.ExpectedVersion;
import io.varve.InvalidArgumentException;
import io.varve.ReadOnlyStoreException;
import io.varve.RecordedEvent;
import io.varve.StoreInfo;
import io.varve.StoreOverview;
import io.varve.StreamAppend;
import io.varve.StreamInfo;
import io.varve.TransactionResult;
import io.varve.Varve;
import io.varve.VarveClosedException;
import io.varve.VarveException;
import io.varve.core.codec.EventTypeRegistry;
import io.varve.core.codec.Names;
import io.varve.core.codec.PayloadCodec;
import io.varve.core.lmdb.LmdbStorageEngine;
import io.varve.core.listen.Listeners;
import io.varve.core.listen.MetadataEntries;
import io.varve.core.processor.DefaultProcessorRegistry;
import io.varve.core.read.EventReader;
import io.varve.core.storage.ReadTxn;
import io.varve.core.storage.StorageConfig;
import io.varve.core.storage.StorageEngine;
import io.varve.core.storage.StorageStats;
import io.varve.core.write.GroupCommitWriter;
import io.varve.processor.ProcessorRegistry;

/**
 * The {@link Varve} implementation: encodes on the caller's thread, writes through the
 * group-commit writer, reads through pooled snapshots of the storage engine.
 */
public final class DefaultVarve implements Varve {

	private static final System.Logger LOG = System.getLogger(DefaultVarve.class.getName());

	private final VarveConfig config;

	private final StorageEngine engine;

	private final EventTypeRegistry registry;

	private final PayloadCodec codec;

	private final EventReader reader;

	private final EventEncoder encoder;

	private final GroupCommitWriter writer;

	private final ScheduledExecutorService syncer;

	private final List<Runnable> closeHooks = new CopyOnWriteArrayList<>();

	private final Listeners listeners;

	private final Object closeLock = new Object();

	private volatile boolean closed;

	private volatile DefaultProcessorRegistry processors;

	private DefaultVarve(VarveConfig config, StorageEngine engine, EventTypeRegistry registry, PayloadCodec codec) {
		this.config = config;
		this.engine = engine;
		this.registry = registry;
		this.codec = codec;
		this.reader = new EventReader(engine, this.codec, this.registry);
		this.encoder = new EventEncoder(this.codec, this.registry, config.maxEventSize());
		this.listeners = new Listeners(config.listeners());
		if (config.readOnly()) {
			this.writer = null;
			this.syncer = null;
		}
		else {
			long[] last = this.reader.lastPositionAndMicros();
			this.writer = new GroupCommitWriter(engine, config.clock(), config.path().getFileName().toString(), last[0],
					last[1]);
			if (!this.listeners.isEmpty()) {
				this.writer.addListener(this.listeners);
			}
			this.syncer = startSyncer(config, engine);
		}
	}

	/**
	 * Opens a store.
	 * @param config the settings
	 * @return the store
	 */
	public static DefaultVarve open(VarveConfig config) {
		// Bad event classes or a bad mapper fail before the store is touched.
		EventTypeRegistry registry = new EventTypeRegistry();
		registry.registerAll(config.eventTypes());
		PayloadCodec codec = PayloadCodec.forStore(config.mapper());
		if (!config.readOnly()) {
			config.eventTypes().forEach(codec::checkWritable);
		}
		StorageEngine engine = LmdbStorageEngine
			.open(new StorageConfig(config.path(), config.mapSize(), config.maxMapSize(), config.durability(),
					config.maxReaders(), config.readOnly(), config.preallocate(), config.groupAccess()));
		DefaultVarve varve;
		try {
			varve = new DefaultVarve(config, engine, registry, codec);
		}
		catch (RuntimeException ex) {
			engine.close();
			throw ex;
		}
		varve.listeners.opened(varve);
		return varve;
	}

	private static ScheduledExecutorService startSyncer(VarveConfig config, StorageEngine engine) {
		if (config.syncInterval() == null || config.durability() == Durability.SYNC) {
			return null;
		}
		ScheduledExecutorService syncer = Executors.newSingleThreadScheduledExecutor((runnable) -> {
			Thread thread = new Thread(runnable, "varve-sync[" + config.path().getFileName() + "]");
			thread.setDaemon(true);
			return thread;
		});
		long millis = config.syncInterval().toMillis();
		syncer.scheduleWithFixedDelay(() -> {
			try {
				engine.sync();
			}
			catch (VarveClosedException ex) {
				// closing
			}
			catch (RuntimeException ex) {
				LOG.log(Level.WARNING, "Periodic sync of Varve store " + config.path() + " failed", ex);
			}
		}, millis, millis, TimeUnit.MILLISECONDS);
		return syncer;
	}

	// Appending

	@Override
	public AppendResult append(String stream, ExpectedVersion expected, List<EventData> events) {
		if (this.listeners.isEmpty()) {
			return await(appendAsync(stream, expected, events, false));
		}
		return this.listeners.observe(Listeners.appendStart(stream, events, false), (entries) -> await(
				appendAsync(stream, expected, MetadataEntries.addTo(events, entries, this.codec), false)));
	}

	@Override
	public CompletableFuture<AppendResult> appendAsync(String stream, ExpectedVersion expected,
			List<EventData> events) {
		if (this.listeners.isEmpty()) {
			return appendAsync(stream, expected, events, true);
		}
		return this.listeners.observeAsync(Listeners.appendStart(stream, events, true),
				(entries) -> appendAsync(stream, expected, MetadataEntries.addTo(events, entries, this.codec), true));
	}

	private CompletableFuture<AppendResult> appendAsync(String stream, ExpectedVersion expected, List<EventData> events,
			boolean async) {
		GroupCommitWriter writer = writer();
		if (async || events == null || events.size() < EventEncoder.STREAM_THRESHOLD || !writer.idle()) {
			PreparedAppend part = prepare(stream, expected, events, new HashSet<>());
			return writer.submit(AppendRequest.single(part, async), true);
		}
		// A large synchronous append while the writer is idle: queued once its first
		// envelopes are encoded, so the writer stores them while this thread encodes the
		// rest instead of waiting for it. A busy writer has other groups to commit
		// meanwhile, and should not hold them for this encoding; and asynchronous appends
		// overlap already: the writer stores one while its caller encodes the next.
		EventEncoder.Pending pending = this.encoder.check(stream, expected, events, new HashSet<>());
		AppendRequest<AppendResult> request = AppendRequest.single(pending.part(), false);
		this.encoder.encode(pending, () -> writer.submit(request));
		return request.future();
	}

	@Override
	public TransactionResult transaction(List<StreamAppend> appends) {
		if (this.listeners.isEmpty()) {
			return await(transactionAsync(appends, false));
		}
		return this.listeners.observe(Listeners.transactionStart(appends, false),
				(entries) -> await(transactionAsync(MetadataEntries.addToParts(appends, entries, this.codec), false)));
	}

	@Override
	public CompletableFuture<TransactionResult> transactionAsync(List<StreamAppend> appends) {
		if (this.listeners.isEmpty()) {
			return transactionAsync(appends, true);
		}
		return this.listeners.observeAsync(Listeners.transactionStart(appends, true),
				(entries) -> transactionAsync(MetadataEntries.addToParts(appends, entries, this.codec), true));
	}

	private CompletableFuture<TransactionResult> transactionAsync(List<StreamAppend> appends, boolean async) {
		GroupCommitWriter writer = writer();
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
		return writer.submit(AppendRequest.transaction(parts, async), true);
	}

	private PreparedAppend prepare(String stream, ExpectedVersion expected, List<EventData> events, Set<UUID> seen) {
		return this.encoder.prepare(stream, expected, events, seen);
	}

	private GroupCommitWriter writer() {
		checkOpen();
		if (this.writer == null) {
			throw new ReadOnlyStoreException("The store at " + this.config.path()
					+ " was opened read-only; append through the process that owns it");
		}
		return this.writer;
	}

	private static <T> T await(CompletableFuture<T> future) {
		try {
			return future.get();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new VarveException("Interrupted while waiting for an append to commit; it may or may not have "
					+ "been written (retry it with the same event ids to be sure)", ex);
		}
		catch (ExecutionException ex) {
			Throwable cause = ex.getCause();
			if (cause instanceof RuntimeException runtime) {
				throw runtime;
			}
			if (cause instanceof Error error) {
				throw error;
			}
			throw new VarveException("Append failed: " + cause, cause);
		}
	}

	// Reading

	@Override
	public List<RecordedEvent> readStream(String stream, long fromVersion, int maxCount) {
		byte[] name = Names.streamName(stream);
		checkVersion(fromVersion);
		checkCount(maxCount);
		return read((txn) -> this.reader.readStream(txn, name, fromVersion, maxCount, true));
	}

	@Override
	public List<RecordedEvent> readStreamBackward(String stream, long fromVersion, int maxCount) {
		byte[] name = Names.streamName(stream);
		checkVersion(fromVersion);
		checkCount(maxCount);
		return read((txn) -> this.reader.readStream(txn, name, fromVersion, maxCount, false));
	}

	@Override
	public List<RecordedEvent> readAll(long fromPosition, int maxCount, EventFilter filter) {
		checkPosition(fromPosition);
		checkCount(maxCount);
		checkFilter(filter);
		checkOpen();
		return this.reader.readAll(fromPosition, maxCount, filter);
	}

	@Override
	public Optional<RecordedEvent> readEvent(long position) {
		if (position < 1) {
			throw new InvalidArgumentException("Position must be 1 or more (the first event is at 1), got " + position);
		}
		return read((txn) -> Optional.ofNullable(this.reader.event(txn, position)));
	}

	@Override
	public Stream<RecordedEvent> scanStream(String stream, long fromVersion) {
		byte[] name = Names.streamName(stream);
		checkVersion(fromVersion);
		checkOpen();
		return this.reader.scanStream(name, fromVersion);
	}

	@Override
	public Stream<RecordedEvent> scanAll(long fromPosition, EventFilter filter) {
		checkPosition(fromPosition);
		checkFilter(filter);
		checkOpen();
		return this.reader.scanAll(fromPosition, filter);
	}

	@Override
	public Optional<StreamInfo> streamInfo(String stream) {
		byte[] name = Names.streamName(stream);
		return read(
				(txn) -> Optional.ofNullable(txn.stream(name)).map((record) -> EventReader.streamInfo(stream, record)));
	}

	@Override
	public List<StreamInfo> listStreams(String prefix, String after, int limit) {
		if (prefix == null) {
			throw new InvalidArgumentException("Prefix must not be null; use \"\" to list every stream");
		}
		if (limit < 1 || limit > 10_000) {
			throw new InvalidArgumentException("Limit must be between 1 and 10000, got " + limit);
		}
		return read((txn) -> this.reader.listStreams(txn, prefix, after, limit));
	}

	@Override
	public long streamCount() {
		return read(ReadTxn::streamCount);
	}

	@Override
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
		checkOpen();
		try (ReadTxn txn = this.engine.beginRead()) {
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

	// Operations

	@Override
	public Path path() {
		return this.config.path();
	}

	@Override
	public StoreInfo storeInfo() {
		checkOpen();
		StorageStats stats = this.engine.stats();
		return new StoreInfo(this.config.path(), this.config.durability(), this.config.readOnly(), stats.mapSize(),
				stats.maxMapSize(), stats.usedBytes(), this.config.maxEventSize(), stats.maxReaders(), stats.readers());
	}

	@Override
	public StoreOverview overview() {
		DefaultProcessorRegistry registry = (DefaultProcessorRegistry) processors();
		return read(
				(txn) -> new StoreOverview(txn.headPosition(), txn.streamCount(), storeInfo(), registry.statuses(txn)));
	}

	@Override
	public void backup(Path target) {
		if (target == null) {
			throw new InvalidArgumentException("Backup target must not be null");
		}
		checkOpen();
		this.engine.backup(target);
	}

	@Override
	public ProcessorRegistry processors() {
		DefaultProcessorRegistry registry = this.processors;
		if (registry == null) {
			synchronized (this.closeLock) {
				checkOpen();
				registry = this.processors;
				if (registry == null) {
					registry = DefaultProcessorRegistry.create(this.engine, this.reader, this.writer, this.codec,
							this.registry, this.config.clock(), String.valueOf(this.config.path()), this.listeners);
					// Processors finish their batch and store their checkpoint while the
					// writer still runs.
					addCloseHook(registry::close);
					this.processors = registry;
				}
			}
		}
		return registry;
	}

	/** The storage engine, for processors that must still read while the store closes. */
	public StorageEngine storage() {
		return this.engine;
	}

	/** The event type registry of this store. */
	public EventTypeRegistry registry() {
		return this.registry;
	}

	/** The payload codec of this store. */
	public PayloadCodec codec() {
		return this.codec;
	}

	/** The reader that turns stored envelopes into events. */
	public EventReader reader() {
		return this.reader;
	}

	/** The writer, or null for a read-only store. */
	public GroupCommitWriter groupWriter() {
		return this.writer;
	}

	/** The settings the store was opened with. */
	public VarveConfig config() {
		return this.config;
	}

	/**
	 * Adds work to run first when the store closes, before the writer stops: processors
	 * stop here.
	 * @param hook the work
	 */
	public void addCloseHook(Runnable hook) {
		this.closeHooks.add(hook);
	}

	@Override
	public boolean isOpen() {
		return !this.closed;
	}

	private void checkOpen() {
		if (this.closed) {
			throw new VarveClosedException(
					"The Varve store at " + this.config.path() + " is closed; open it again with Varve.open(path)");
		}
	}

	@Override
	public void close() {
		synchronized (this.closeLock) {
			if (this.closed) {
				return;
			}
			this.closed = true;
		}
		for (Runnable hook : this.closeHooks) {
			try {
				hook.run();
			}
			catch (RuntimeException ex) {
				LOG.log(Level.WARNING, "A close hook of Varve store " + this.config.path() + " failed", ex);
			}
		}
		try {
			if (this.writer != null) {
				this.writer.close();
			}
			if (this.syncer != null) {
				this.syncer.shutdownNow();
				awaitQuietly(this.syncer);
			}
			if (this.writer != null && this.config.durability() != Durability.SYNC) {
				this.engine.sync();
			}
		}
		finally {
			this.engine.close();
		}
	}

	private static void awaitQuietly(ScheduledExecutorService executor) {
		try {
			executor.awaitTermination(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public String toString() {
		return "Varve[" + this.config.path() + (this.closed ? ", closed" : "") + "]";
	}

}

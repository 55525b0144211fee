package io.varve.core;

import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

import io.varve.AppendResult;
import io.varve.DeleteResult;
import io.varve.EventData;
import io.varve.EventFilter;
import io.varve.EventsDeleted;
import io.varve.ExpectedVersion;
import io.varve.InvalidArgumentException;
import io.varve.RecordedEvent;
import io.varve.ReplicatedEvent;
import io.varve.RetentionStatus;
import io.varve.Replication;
import io.varve.StoreInfo;
import io.varve.SnapshotStore;
import io.varve.StoreOverview;
import io.varve.StreamAppend;
import io.varve.StreamInfo;
import io.varve.TransactionResult;
import io.varve.Varve;
import io.varve.VarveClosedException;
import io.varve.core.codec.EventTypeRegistry;
import io.varve.core.codec.Names;
import io.varve.core.crypto.DataKeys;
import io.varve.core.crypto.KeyStoreFiles;
import io.varve.core.crypto.EventCipher;
import io.varve.core.codec.PayloadCodec;
import io.varve.core.durability.DurabilityPolicy;
import io.varve.core.durability.PeriodicSync;
import io.varve.core.listen.Listeners;
import io.varve.core.lmdb.LmdbStorageEngine;
import io.varve.core.processor.DefaultProcessorRegistry;
import io.varve.core.evolve.Evolution;
import io.varve.core.evolve.StoredSchemas;
import io.varve.core.read.EventReader;
import io.varve.core.read.ReadAhead;
import io.varve.core.retention.RetentionTask;
import io.varve.core.snapshot.DefaultSnapshotStore;
import io.varve.core.read.StoreReads;
import io.varve.core.storage.ReadTxn;
import io.varve.core.storage.StorageConfig;
import io.varve.core.storage.StorageEngine;
import io.varve.core.storage.StorageStats;
import io.varve.core.write.GroupCommitWriter;
import io.varve.processor.ProcessorRegistry;

/**
 * The {@link Varve} implementation: a facade that opens the parts of a store in order and
 * delegates to them. Appends go through {@link Appends} (listeners, encoding on the
 * caller's thread, the group-commit writer), reads through {@link StoreReads}, the
 * durability policy ({@link DurabilityPolicy}) decides what commits, a periodic sync and
 * closing flush, and processors live in their own registry, created on first use.
 */
public final class DefaultVarve implements Varve {

	private static final System.Logger LOG = System.getLogger(DefaultVarve.class.getName());

	private final VarveConfig config;

	private final DurabilityPolicy durability;

	private final StorageEngine engine;

	private final EventTypeRegistry registry;

	private final PayloadCodec codec;

	private final EventReader reader;

	private final ReadAhead readAhead;

	private final Evolution evolution;

	private final DefaultSnapshotStore snapshots;

	private final StoreReads reads;

	private final @Nullable GroupCommitWriter writer;

	private final Appends appends;

	private final @Nullable PeriodicSync periodicSync;

	private final Listeners listeners;

	private final Replication replication;

	private final @Nullable RetentionTask retention;

	private final @Nullable DataKeys keys;

	private final @Nullable EventCipher cipher;

	private final Object closeLock = new Object();

	private volatile boolean closed;

	private volatile @Nullable DefaultProcessorRegistry processors;

	private DefaultVarve(VarveConfig config, DurabilityPolicy durability, StorageEngine engine,
			EventTypeRegistry registry, PayloadCodec codec, @Nullable DataKeys keys) {
		this.config = config;
		this.keys = keys;
		this.cipher = (keys != null) ? new EventCipher(keys) : null;
		StreamSealing sealing = (this.cipher != null) ? new StreamSealing(this.cipher) : null;
		this.durability = durability;
		this.engine = engine;
		this.registry = registry;
		this.codec = codec;
		this.listeners = new Listeners(config.listeners());
		this.reader = new EventReader(engine, codec, registry);
		if (this.cipher != null) {
			this.reader.decryptWith(this.cipher);
		}
		this.readAhead = new ReadAhead(config.path().getFileName().toString());
		this.reader.readAheadWith(this.readAhead);
		StoredSchemas schemas = StoredSchemas.load(engine, config.readOnly());
		this.evolution = new Evolution(registry, codec, config.upcasters(), schemas);
		this.reader.expandWith(this.evolution);
		this.reads = new StoreReads(engine, this.reader, this::checkOpen);
		if (config.readOnly()) {
			this.writer = null;
			this.periodicSync = null;
		}
		else {
			long[] last = this.reader.lastPositionAndMicros();
			this.writer = new GroupCommitWriter(engine, config.clock(), config.path().getFileName().toString(), last[0],
					last[1]);
			if (!this.listeners.isEmpty()) {
				this.writer.addListener(this.listeners);
			}
			if (engine.batchesCommits()) {
				// Reads see every acknowledged append: the writer publishes its batch
				// for them.
				engine.readBarrier(this.writer::awaitVisible);
			}
			this.periodicSync = PeriodicSync.startIfNeeded(durability, engine, config.path());
		}
		this.appends = new Appends(new EventEncoder(codec, registry, schemas, config.maxEventSize()), this.writer,
				this.listeners, codec, config.path(), this::checkOpen, config.replica(), sealing);
		this.replication = new Replication() {
			@Override
			public long headPosition() {
				return DefaultVarve.this.headPosition();
			}

			@Override
			public long apply(List<ReplicatedEvent> events) {
				return Appends.await(submit(events, false));
			}

			@Override
			public CompletableFuture<Long> applyAsync(List<ReplicatedEvent> events) {
				return submit(events, true, false);
			}

			@Override
			public long applyCopy(List<ReplicatedEvent> events) {
				return Appends.await(submit(events, false, true));
			}

			private CompletableFuture<Long> submit(List<ReplicatedEvent> events, boolean async) {
				return submit(events, async, false);
			}

			private CompletableFuture<Long> submit(List<ReplicatedEvent> events, boolean async,
					boolean deletionsAllowed) {
				if (events == null || events.isEmpty()) {
					throw new InvalidArgumentException("Give at least one replicated event to apply");
				}
				return DefaultVarve.this.appends.writer()
					.submit(new ReplicaApply(List.copyOf(events), schemas, config.path().toString(), async,
							deletionsAllowed, sealing));
			}
		};
		this.snapshots = new DefaultSnapshotStore(engine, codec, this.appends::writer, this::checkOpen, sealing);
		if (config.retention().isEmpty() || config.readOnly() || config.replica()) {
			this.retention = null;
		}
		else {
			this.retention = new RetentionTask(config.retention(), this.reads::readPublished,
					this.appends::truncateAsync, config.clock(), config.retentionInterval(),
					config.path().getFileName().toString());
			this.retention.start();
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
		registry.register(EventsDeleted.class);
		registry.registerAll(config.eventTypes());
		PayloadCodec codec = PayloadCodec.forStore(config.mapper());
		if (!config.readOnly()) {
			config.eventTypes().forEach(codec::checkWritable);
		}
		DurabilityPolicy durability = new DurabilityPolicy(config.durability(), config.syncInterval());
		UUID keyStoreId = UUID.randomUUID();
		if (config.encryption() != null) {
			// Before the store is touched: a key store inside it would defeat forgetting.
			KeyStoreFiles.checkedPath(config.encryption().keyStorePath(), config.path());
		}
		StorageEngine engine = LmdbStorageEngine.open(new StorageConfig(config.path(), config.mapSize(),
				config.maxMapSize(), durability.commitSync(), config.maxReaders(), config.readOnly(),
				durability.preallocates(config.preallocate()), config.groupAccess(), (config.encryption() != null)
						? Map.of(KeyStoreFiles.META_KEY, KeyStoreFiles.metaRecord(keyStoreId)) : Map.of()));
		DataKeys keys = null;
		DefaultVarve varve;
		try {
			keys = StoreEncryption.open(config, engine);
			varve = new DefaultVarve(config, durability, engine, registry, codec, keys);
		}
		catch (RuntimeException ex) {
			if (keys != null) {
				keys.close();
			}
			engine.close();
			throw ex;
		}
		varve.listeners.opened(varve);
		return varve;
	}

	// Appending

	@Override
	public AppendResult append(String stream, ExpectedVersion expected, List<EventData> events) {
		return this.appends.append(stream, expected, events);
	}

	@Override
	public CompletableFuture<AppendResult> appendAsync(String stream, ExpectedVersion expected,
			List<EventData> events) {
		return this.appends.appendAsync(stream, expected, events);
	}

	@Override
	public TransactionResult transaction(List<StreamAppend> appends) {
		return this.appends.transaction(appends);
	}

	@Override
	public CompletableFuture<TransactionResult> transactionAsync(List<StreamAppend> appends) {
		return this.appends.transactionAsync(appends);
	}

	// Deleting

	@Override
	public DeleteResult deleteStream(String stream, ExpectedVersion expected) {
		checkOpen();
		if (expected == null) {
			throw new InvalidArgumentException("Expected version must not be null; use ExpectedVersion.any() to delete "
					+ "the stream whatever its version");
		}
		return this.appends.delete(stream, expected, 0);
	}

	@Override
	public DeleteResult truncateBefore(String stream, long version) {
		checkOpen();
		return this.appends.delete(stream, null, version);
	}

	@Override
	public RetentionStatus retentionStatus() {
		checkOpen();
		RetentionTask task = this.retention;
		return (task != null) ? task.status()
				: new RetentionStatus(Map.copyOf(this.config.retention()), false, 0, null, null, 0, 0, 0, null);
	}

	@Override
	public RetentionStatus applyRetention() {
		checkOpen();
		RetentionTask task = this.retention;
		GroupCommitWriter appending = this.writer;
		if (task != null && appending != null) {
			// The pass reads what is published: first have the writer publish every
			// append acknowledged before this call.
			appending.awaitVisible();
		}
		return (task != null) ? task.runPass() : retentionStatus();
	}

	// Reading

	@Override
	public List<RecordedEvent> readStream(String stream, long fromVersion, int maxCount) {
		return this.reads.readStream(stream, fromVersion, maxCount);
	}

	@Override
	public List<RecordedEvent> readStreamBackward(String stream, long fromVersion, int maxCount) {
		return this.reads.readStreamBackward(stream, fromVersion, maxCount);
	}

	@Override
	public List<RecordedEvent> readAll(long fromPosition, int maxCount, EventFilter filter) {
		return this.reads.readAll(fromPosition, maxCount, filter);
	}

	@Override
	public Optional<RecordedEvent> readEvent(long position) {
		return this.reads.readEvent(position);
	}

	@Override
	public Stream<RecordedEvent> scanStream(String stream, long fromVersion) {
		return this.reads.scanStream(stream, fromVersion);
	}

	@Override
	public Stream<RecordedEvent> scanAll(long fromPosition, EventFilter filter) {
		return this.reads.scanAll(fromPosition, filter);
	}

	@Override
	public Optional<StreamInfo> streamInfo(String stream) {
		return this.reads.streamInfo(stream);
	}

	@Override
	public List<StreamInfo> listStreams(String prefix, String after, int limit) {
		return this.reads.listStreams(prefix, after, limit);
	}

	@Override
	public long streamCount() {
		return this.reads.streamCount();
	}

	@Override
	public long headPosition() {
		return this.reads.headPosition();
	}

	/**
	 * Runs a function in one read snapshot, so that everything it reads is consistent.
	 * For this project's tests and tools.
	 * @param <T> the result type
	 * @param function the function; it must not keep the transaction or its buffers
	 * @return the function's result
	 */
	public <T> T read(Function<ReadTxn, T> function) {
		return this.reads.read(function);
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
		GroupCommitWriter writer = this.writer;
		return new StoreInfo(this.config.path(), this.config.durability(), this.config.readOnly(), stats.mapSize(),
				stats.maxMapSize(), stats.usedBytes(), this.config.maxEventSize(), stats.maxReaders(), stats.readers(),
				(writer != null) ? writer.failure() : null);
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
	public SnapshotStore snapshots() {
		checkOpen();
		return this.snapshots;
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
					this.processors = registry;
				}
			}
		}
		return registry;
	}

	/** The storage engine. For this project's tests and tools. */
	public StorageEngine storage() {
		return this.engine;
	}

	/** The payload codec of this store. For this project's tests and tools. */
	public PayloadCodec codec() {
		return this.codec;
	}

	/**
	 * The replication handle of a replica.
	 * @return the handle
	 * @throws InvalidArgumentException when the store is not a replica
	 */
	public Replication replication() {
		if (!this.config.replica()) {
			throw new InvalidArgumentException("The store at " + this.config.path() + " was not opened as a replica; "
					+ "open it with Varve.builder().replica() to feed it from another store");
		}
		return this.replication;
	}

	/** The writer, or null for a read-only store. For this project's tests and tools. */
	public @Nullable GroupCommitWriter groupWriter() {
		return this.writer;
	}

	@Override
	public boolean forget(String stream) {
		DataKeys dataKeys = requireKeys("forget stream '" + stream + "'");
		Names.streamName(stream);
		return Appends.await(this.appends.writer().submit(new KeyOperations.Forget(dataKeys, stream)));
	}

	@Override
	public int rotateKeys() {
		DataKeys dataKeys = requireKeys("rotate keys");
		return Appends.await(this.appends.writer().submit(new KeyOperations.Rotate(dataKeys)));
	}

	@Override
	public boolean isEncrypted() {
		return this.keys != null;
	}

	/** The cipher of an encrypted store, or null. For this project's tools. */
	public @Nullable EventCipher cipher() {
		return this.cipher;
	}

	private DataKeys requireKeys(String what) {
		checkOpen();
		if (this.keys == null) {
			throw new InvalidArgumentException("Cannot " + what + ": the store at " + this.config.path()
					+ " is not encrypted. Forgetting and key rotation need a store created with "
					+ "VarveBuilder.encryption (property varve.encryption.enabled)");
		}
		return this.keys;
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
		// Processors finish their batch and store their checkpoint while the writer still
		// runs.
		if (this.retention != null) {
			this.retention.close();
		}
		DefaultProcessorRegistry registry = this.processors;
		if (registry != null) {
			try {
				registry.close();
			}
			catch (RuntimeException ex) {
				LOG.log(Level.WARNING, "Stopping the processors of Varve store " + this.config.path() + " failed", ex);
			}
		}
		try {
			if (this.writer != null) {
				this.writer.close();
			}
			if (this.periodicSync != null) {
				this.periodicSync.close();
			}
			if (this.writer != null && this.durability.syncsOnClose()) {
				this.engine.sync();
			}
		}
		finally {
			this.readAhead.close();
			this.engine.close();
			if (this.keys != null) {
				this.keys.close();
			}
		}
	}

	@Override
	public String toString() {
		return "Varve[" + this.config.path() + (this.closed ? ", closed" : "") + "]";
	}

}

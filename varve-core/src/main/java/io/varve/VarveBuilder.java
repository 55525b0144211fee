package io.varve;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import tools.jackson.dataformat.smile.SmileMapper;

import io.varve.crypto.Encryption;
import io.varve.core.DefaultVarve;
import io.varve.core.VarveConfig;
import io.varve.core.codec.Names;
import io.varve.core.codec.PayloadCodec;

/**
 * Settings for opening a store. Every setting has a default suited to production use.
 *
 * <pre>{@code
 * Varve varve = Varve.builder()
 *     .path(Path.of("/var/lib/myapp/events"))
 *     .durability(Durability.SYNC)
 *     .maxEventSize(4 * 1024 * 1024)
 *     .eventTypes(AccountOpened.class, Deposited.class, Withdrawn.class)
 *     .open();
 * }</pre>
 */
public final class VarveBuilder {

	/** Default initial map size: 64 MiB. */
	public static final long DEFAULT_MAP_SIZE = 64L * 1024 * 1024;

	/**
	 * Default maximum map size: 1 TiB (address space, not disk: the file grows as used).
	 */
	public static final long DEFAULT_MAX_MAP_SIZE = 1024L * 1024 * 1024 * 1024;

	/** Default largest encoded event: 1 MiB. */
	public static final int DEFAULT_MAX_EVENT_SIZE = 1024 * 1024;

	/** Upper bound of {@link #maxEventSize(int)}: 256 MiB. */
	public static final int MAX_EVENT_SIZE_LIMIT = 256 * 1024 * 1024;

	/** Default time between retention passes: one minute. */
	public static final Duration DEFAULT_RETENTION_INTERVAL = Duration.ofMinutes(1);

	/** Default reader slot limit. */
	public static final int DEFAULT_MAX_READERS = 256;

	private Path path;

	private long mapSize = DEFAULT_MAP_SIZE;

	private boolean mapSizeSet;

	private long maxMapSize = DEFAULT_MAX_MAP_SIZE;

	private Durability durability = Durability.SYNC;

	private int maxEventSize = DEFAULT_MAX_EVENT_SIZE;

	private int maxReaders = DEFAULT_MAX_READERS;

	private @Nullable Duration syncInterval;

	private boolean preallocate;

	private final List<Class<?>> eventTypes = new ArrayList<>();

	private final List<Upcaster> upcasters = new ArrayList<>();

	private @Nullable SmileMapper mapper;

	private boolean readOnly;

	private boolean replica;

	private Clock clock = Clock.systemUTC();

	private boolean groupAccess;

	private final List<VarveListener> listeners = new ArrayList<>();

	private final Map<String, RetentionPolicy> retention = new LinkedHashMap<>();

	private Duration retentionInterval = DEFAULT_RETENTION_INTERVAL;

	private @Nullable Encryption encryption;

	VarveBuilder() {
	}

	/**
	 * The store directory, created if it does not exist. Required.
	 * @param path the directory
	 * @return this builder
	 */
	public VarveBuilder path(Path path) {
		if (path == null) {
			throw new InvalidArgumentException("Store path must not be null; give the directory to keep the store in");
		}
		this.path = path;
		return this;
	}

	/**
	 * The map size a new store starts with; it doubles whenever it fills, up to
	 * {@link #maxMapSize(long)}. Default 64 MiB.
	 * @param bytes the size, at least 1 MiB
	 * @return this builder
	 */
	public VarveBuilder mapSize(long bytes) {
		if (bytes < 1024 * 1024) {
			throw new InvalidArgumentException("Map size must be at least 1 MiB (1048576 bytes), got " + bytes);
		}
		this.mapSize = bytes;
		this.mapSizeSet = true;
		return this;
	}

	/**
	 * The largest the map may grow to. An append that would need more fails with
	 * {@link StoreFullException} and changes nothing. Default 1 TiB.
	 * @param bytes the size, at least 1 MiB
	 * @return this builder
	 */
	public VarveBuilder maxMapSize(long bytes) {
		if (bytes < 1024 * 1024) {
			throw new InvalidArgumentException("Maximum map size must be at least 1 MiB (1048576 bytes), got " + bytes);
		}
		this.maxMapSize = bytes;
		return this;
	}

	/**
	 * How far acknowledged appends survive a crash. Default {@link Durability#SYNC}.
	 * @param durability the policy
	 * @return this builder
	 */
	public VarveBuilder durability(Durability durability) {
		if (durability == null) {
			throw new InvalidArgumentException("Durability must not be null; the default is Durability.SYNC");
		}
		this.durability = durability;
		return this;
	}

	/**
	 * The largest encoded event (envelope, metadata and payload) accepted. Default 1 MiB.
	 * @param bytes the size, from 1 KiB to 256 MiB
	 * @return this builder
	 */
	public VarveBuilder maxEventSize(int bytes) {
		if (bytes < 1024 || bytes > MAX_EVENT_SIZE_LIMIT) {
			throw new InvalidArgumentException(
					"Maximum event size must be between 1024 and " + MAX_EVENT_SIZE_LIMIT + " bytes, got " + bytes);
		}
		this.maxEventSize = bytes;
		return this;
	}

	/**
	 * How many read snapshots may be open at once, across all processes using the store.
	 * Default 256.
	 * @param readers the limit, from 8 to 32,768
	 * @return this builder
	 */
	public VarveBuilder maxReaders(int readers) {
		if (readers < 8 || readers > 32_768) {
			throw new InvalidArgumentException("Reader limit must be between 8 and 32768, got " + readers);
		}
		this.maxReaders = readers;
		return this;
	}

	/**
	 * With {@link Durability#NO_SYNC}, flush to disk this often, bounding what an OS
	 * crash can lose. Null (the default) for never.
	 * @param interval the interval, at least 1 ms, or null
	 * @return this builder
	 */
	public VarveBuilder syncInterval(@Nullable Duration interval) {
		if (interval != null && (interval.isNegative() || interval.toMillis() < 1)) {
			throw new InvalidArgumentException("Sync interval must be at least 1 ms, got " + interval);
		}
		this.syncInterval = interval;
		return this;
	}

	/**
	 * Whether to keep zeroed space ahead of the data file (default false). With
	 * {@link Durability#SYNC} or {@link Durability#NO_META_SYNC} on ext4 or XFS, a
	 * background thread keeps a quarter of the store's size (at least 256 KiB, at most 16
	 * MiB) zero-filled past the file's end. Commits are made durable by the store's
	 * journal, whose segments are zero-filled before use, and the data file is only
	 * flushed at checkpoints, so this no longer shortens a commit; measured, the extra
	 * writes slowed one durable writer to about 0.55x. Kept for file systems where
	 * growing the data file at checkpoints is slow.
	 * @param preallocate whether to keep zeroed space ahead
	 * @return this builder
	 */
	public VarveBuilder preallocate(boolean preallocate) {
		this.preallocate = preallocate;
		return this;
	}

	/**
	 * Registers event classes so that events of their types can be decoded with
	 * {@link RecordedEvent#data()} before this process appends any. A store opened for
	 * writing also checks here that their values can be stored, so that a class Jackson
	 * would write without its state (private fields without getters, a {@code Thread}
	 * property...) fails {@link #open()} with {@link EventSerializationException} rather
	 * than a later append.
	 * @param types the event classes
	 * @return this builder
	 */
	public VarveBuilder eventTypes(Class<?>... types) {
		if (types == null) {
			throw new InvalidArgumentException("Event types must not be null");
		}
		return eventTypes(Arrays.asList(types));
	}

	/**
	 * Registers event classes.
	 * @param types the event classes
	 * @return this builder
	 */
	public VarveBuilder eventTypes(List<Class<?>> types) {
		if (types == null || types.contains(null)) {
			throw new InvalidArgumentException("Event types must not be null");
		}
		this.eventTypes.addAll(types);
		return this;
	}

	/**
	 * A builder for a Smile mapper with Varve's defaults (unknown properties ignored, so
	 * that old readers can read events written by newer code; values Jackson would store
	 * without their state refused), to add modules or settings to before passing the
	 * mapper to {@link #mapper(SmileMapper)}. Never activate default typing on it: event
	 * classes come from Varve's type registry, never from stored data.
	 *
	 * <pre>{@code
	 * Varve.builder().mapper(VarveBuilder.defaultMapperBuilder().addModule(new MyModule()).build())
	 * }</pre>
	 * @return a new builder
	 */
	public static SmileMapper.Builder defaultMapperBuilder() {
		return PayloadCodec.defaultMapperBuilder();
	}

	/**
	 * The Jackson Smile mapper for payloads and metadata, for custom modules or settings.
	 * By default Varve uses a {@link SmileMapper} that ignores unknown properties; start
	 * from {@link #defaultMapperBuilder()} to keep Varve's defaults. Whatever the mapper,
	 * Varve refuses values Jackson would store without their state (it uses a copy of the
	 * mapper with its check added), and {@link #open()} refuses a mapper with default
	 * typing activated with {@link InvalidArgumentException}.
	 * @param mapper the mapper
	 * @return this builder
	 */
	public VarveBuilder mapper(SmileMapper mapper) {
		if (mapper == null) {
			throw new InvalidArgumentException("Mapper must not be null");
		}
		this.mapper = mapper;
		return this;
	}

	/**
	 * Opens the store read-only.
	 * @return this builder
	 */
	public VarveBuilder readOnly() {
		this.readOnly = true;
		return this;
	}

	/**
	 * Opens the store as a replica of another: it takes events only through
	 * {@link Replication#of(Varve)} (fed by a replica feed such as varve-kafka's), with
	 * the positions, versions, ids and bytes its source gave them; appends by the
	 * application are refused with a {@link ReadOnlyStoreException}. Reads, processors,
	 * snapshots and backups work as on any store. Opening the same directory without this
	 * makes it writable: that is how a replica is promoted, once its source has stopped
	 * and it has caught up.
	 * @return this builder
	 */
	public VarveBuilder replica() {
		this.replica = true;
		return this;
	}

	/**
	 * Whether users of the store owner's group may read the store (default false). A new
	 * store is private to its owner, as PostgreSQL keeps its data directory: the
	 * directory {@code rwx------} and its files {@code rw-------}, whatever the umask;
	 * backups likewise. With group access they are {@code rwxr-x---} and
	 * {@code rw-r-----}, and LMDB's {@code lock.mdb} {@code rw-rw----}, since LMDB writes
	 * there even to read: so that an operator in the owner's group can open the store
	 * read-only or back it up. Existing files keep their mode; opening a store whose
	 * events others can read logs a warning with the fix. On file systems without POSIX
	 * permissions this does nothing.
	 *
	 * <pre>{@code
	 * Varve.builder().path(Path.of("/var/lib/myapp/events")).groupAccess(true).open();
	 * }</pre>
	 * @param groupAccess whether the owner's group may read the store
	 * @return this builder
	 */
	public VarveBuilder groupAccess(boolean groupAccess) {
		this.groupAccess = groupAccess;
		return this;
	}

	/**
	 * Adds a listener told about appends, commits and handler invocations (for metrics,
	 * tracing, logs). Listeners are told in the order they were added.
	 * @param listener the listener
	 * @return this builder
	 */
	public VarveBuilder listener(VarveListener listener) {
		if (listener == null) {
			throw new InvalidArgumentException("Listener must not be null");
		}
		this.listeners.add(listener);
		return this;
	}

	/**
	 * Registers upcasters, which bring stored events of older schema versions up to the
	 * current ones as they are read (see {@link Upcaster}). Checked when the store opens:
	 * two upcasters for one type and version, a chain with a gap, or stored events no
	 * chain leads from fail {@link #open()} with {@link EventSchemaException}.
	 * @param upcasters the upcasters
	 * @return this builder
	 */
	public VarveBuilder upcasters(Upcaster... upcasters) {
		if (upcasters == null) {
			throw new InvalidArgumentException("Upcasters must not be null");
		}
		return upcasters(Arrays.asList(upcasters));
	}

	/**
	 * Registers upcasters.
	 * @param upcasters the upcasters
	 * @return this builder
	 */
	public VarveBuilder upcasters(List<? extends Upcaster> upcasters) {
		if (upcasters == null || upcasters.contains(null)) {
			throw new InvalidArgumentException("Upcasters must not be null");
		}
		this.upcasters.addAll(upcasters);
		return this;
	}

	/**
	 * The clock that stamps commits. For tests.
	 * @param clock the clock
	 * @return this builder
	 */
	public VarveBuilder clock(Clock clock) {
		if (clock == null) {
			throw new InvalidArgumentException("Clock must not be null");
		}
		this.clock = clock;
		return this;
	}

	/**
	 * Deletes events of a category's streams, or of one stream, past a policy: a
	 * background task looks every {@link #retentionInterval(Duration)} and deletes in
	 * bounded transactions (at most 500 events each), so appends go on meanwhile. A name
	 * without '-' is a category (the stream named so and those named {@code name-...}); a
	 * name with '-' is one stream, whose policy takes the place of its category's.
	 * Processors that ask for deletions see each step as an {@link EventsDeleted}.
	 * @param categoryOrStream the category or stream name
	 * @param policy the policy
	 * @return this builder
	 */
	public VarveBuilder retention(String categoryOrStream, RetentionPolicy policy) {
		Names.streamName(categoryOrStream);
		if (policy == null) {
			throw new InvalidArgumentException("The retention policy of '" + categoryOrStream + "' must not be null");
		}
		this.retention.put(categoryOrStream, policy);
		return this;
	}

	/**
	 * How often the retention task looks for events to delete. Default: one minute.
	 * @param interval the interval, at least one millisecond
	 * @return this builder
	 */
	public VarveBuilder retentionInterval(Duration interval) {
		if (interval == null || interval.toMillis() < 1) {
			throw new InvalidArgumentException(
					"The retention interval must be at least 1 ms, got " + interval + "; the default is 1 minute");
		}
		this.retentionInterval = interval;
		return this;
	}

	/**
	 * Encrypts the store's events at rest (default: not encrypted). Each stream's
	 * payloads and metadata are sealed with AES-256-GCM under a data key of its own, kept
	 * wrapped by the {@link io.varve.crypto.KeyProvider}'s master key in a key store
	 * outside the store directory; {@link Varve#forget(String)} then makes a stream's
	 * events unreadable everywhere, backups included. Stream names, event types, ids,
	 * positions, versions and timestamps stay in clear (indexes and filters need them).
	 * Only a new store can be encrypted, and an encrypted store opens only with its
	 * encryption.
	 *
	 * <pre>{@code
	 * Varve varve = Varve.builder()
	 *     .path(Path.of("varve-data"))
	 *     .encryption(Encryption.of(LocalKeyProvider.fromFile(Path.of("/etc/varve/master.key")),
	 *             Path.of("/var/lib/varve-keys/keys.log")))
	 *     .open();
	 * }</pre>
	 * @param encryption the key provider and key store path, or null for none
	 * @return this builder
	 */
	public VarveBuilder encryption(@Nullable Encryption encryption) {
		this.encryption = encryption;
		return this;
	}

	/**
	 * Opens the store.
	 * @return the open store
	 * @throws StoreLockedException if the directory is already open
	 * @throws IncompatibleFormatException if it holds something Varve cannot read
	 * @throws EventSerializationException if values of a registered event class cannot be
	 * stored
	 * @throws EventSchemaException if the upcasters cannot bring every stored event up to
	 * its class's version
	 * @throws EncryptionException if the store is encrypted and no (or the wrong)
	 * encryption was given, or encryption was given for a plain store
	 */
	public Varve open() {
		if (this.path == null) {
			throw new InvalidArgumentException("No store path set; call path(...) before open()");
		}
		if (this.replica && this.readOnly) {
			throw new InvalidArgumentException("A store opens either as a replica (written by its replica feed) or "
					+ "read-only, not both; open a replica's directory read-only without replica() from another process");
		}
		long initialMapSize = this.mapSize;
		if (this.maxMapSize < initialMapSize) {
			if (this.mapSizeSet) {
				throw new InvalidArgumentException(
						"Maximum map size (" + this.maxMapSize + " bytes) is smaller than the initial map size ("
								+ this.mapSize + " bytes); raise maxMapSize or lower mapSize");
			}
			// Only a maximum was given: start at it rather than at the larger default.
			initialMapSize = this.maxMapSize;
		}
		return DefaultVarve.open(new VarveConfig(this.path, initialMapSize, this.maxMapSize, this.durability,
				this.maxEventSize, this.maxReaders, this.syncInterval, this.preallocate, List.copyOf(this.eventTypes),
				this.mapper, this.readOnly, this.clock, this.groupAccess, List.copyOf(this.listeners),
				List.copyOf(this.upcasters), this.replica, Map.copyOf(this.retention), this.retentionInterval,
				this.encryption));
	}

}

package io.varve.boot.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

import io.varve.Durability;
import io.varve.processor.ErrorPolicy;

/**
 * Configuration properties for the Varve event store.
 */
@ConfigurationProperties("varve")
public class VarveProperties {

	/**
	 * Directory of the store. Created if it does not exist.
	 */
	private Path path = Path.of("varve-data");

	/**
	 * Whether to open an existing store read-only, to read a store that another process
	 * owns. @VarveProcessor beans are then registered but not started, since they could
	 * not commit checkpoints: the process that owns the store runs them.
	 */
	private boolean readOnly;

	/**
	 * Map size a new store starts with (at most the maximum map size). The map doubles
	 * whenever it fills, up to the maximum map size.
	 */
	private DataSize mapSize = DataSize.ofMegabytes(64);

	/**
	 * Largest the map may grow to. An append that needs more fails and changes nothing.
	 */
	private DataSize maxMapSize = DataSize.ofTerabytes(1);

	/**
	 * How far acknowledged appends survive a crash: 'sync' (on disk), 'no-meta-sync' (an
	 * OS crash may undo the last commit) or 'no-sync' (survives a process crash only).
	 */
	private Durability durability = Durability.SYNC;

	/**
	 * Largest encoded event (envelope, metadata and payload) accepted.
	 */
	private DataSize maxEventSize = DataSize.ofMegabytes(1);

	/**
	 * Most read snapshots open at once, across all processes using the store.
	 */
	private int maxReaders = 256;

	/**
	 * With 'no-sync' or 'no-meta-sync' durability, how often to flush to disk. Unset for
	 * never.
	 */
	private Duration syncInterval;

	/**
	 * Whether to keep zeroed space ahead of the data file (with 'sync' or 'no-meta-sync'
	 * on ext4 or XFS): a quarter of the store's size, at least 256 KiB, at most 16 MiB.
	 * Commits are made durable by the journal, so this rarely pays.
	 */
	private boolean preallocate;

	/**
	 * Whether users of the store owner's group may read the store. A new store is private
	 * to its owner (directory rwx------, files rw-------, whatever the umask); with group
	 * access it is rwxr-x--- and rw-r----- (LMDB's lock.mdb rw-rw----, since LMDB writes
	 * there even to read), for operators who open it read-only or back it up. Existing
	 * files keep their mode.
	 */
	private boolean groupAccess;

	/**
	 * Packages to scan for @EventType classes, in addition to the application's
	 * auto-configuration packages.
	 */
	private List<String> eventPackages = new ArrayList<>();

	private final Processors processors = new Processors();

	private final Observations observations = new Observations();

	private final Snapshots snapshots = new Snapshots();

	private final Kafka kafka = new Kafka();

	private final Ui ui = new Ui();

	private final Encryption encryption = new Encryption();

	/**
	 * Per-processor settings, by processor name, overriding the @VarveProcessor
	 * attributes. Names match loosely: 'accountBalances' and 'account-balances' are the
	 * same.
	 */
	private final Map<String, ProcessorOverrides> processor = new LinkedHashMap<>();

	/**
	 * Retention policies by category (a name without '-': the stream of that name and
	 * those named name-...) or by stream (a name with '-'): events older than
	 * {@code max-age} or beyond each stream's newest {@code max-count} are deleted by a
	 * background task in bounded transactions.
	 */
	private final Map<String, Retention> retention = new LinkedHashMap<>();

	/**
	 * How often the retention task looks for events to delete.
	 */
	private Duration retentionInterval = Duration.ofMinutes(1);

	public Path getPath() {
		return this.path;
	}

	public void setPath(Path path) {
		this.path = path;
	}

	public boolean isReadOnly() {
		return this.readOnly;
	}

	public void setReadOnly(boolean readOnly) {
		this.readOnly = readOnly;
	}

	public DataSize getMapSize() {
		return this.mapSize;
	}

	public void setMapSize(DataSize mapSize) {
		this.mapSize = mapSize;
	}

	public DataSize getMaxMapSize() {
		return this.maxMapSize;
	}

	public void setMaxMapSize(DataSize maxMapSize) {
		this.maxMapSize = maxMapSize;
	}

	public Durability getDurability() {
		return this.durability;
	}

	public void setDurability(Durability durability) {
		this.durability = durability;
	}

	public DataSize getMaxEventSize() {
		return this.maxEventSize;
	}

	public void setMaxEventSize(DataSize maxEventSize) {
		this.maxEventSize = maxEventSize;
	}

	public int getMaxReaders() {
		return this.maxReaders;
	}

	public void setMaxReaders(int maxReaders) {
		this.maxReaders = maxReaders;
	}

	public Duration getSyncInterval() {
		return this.syncInterval;
	}

	public void setSyncInterval(Duration syncInterval) {
		this.syncInterval = syncInterval;
	}

	public boolean isPreallocate() {
		return this.preallocate;
	}

	public void setPreallocate(boolean preallocate) {
		this.preallocate = preallocate;
	}

	public boolean isGroupAccess() {
		return this.groupAccess;
	}

	public void setGroupAccess(boolean groupAccess) {
		this.groupAccess = groupAccess;
	}

	public List<String> getEventPackages() {
		return this.eventPackages;
	}

	public void setEventPackages(List<String> eventPackages) {
		this.eventPackages = eventPackages;
	}

	public Processors getProcessors() {
		return this.processors;
	}

	public Map<String, Retention> getRetention() {
		return this.retention;
	}

	public Duration getRetentionInterval() {
		return this.retentionInterval;
	}

	public void setRetentionInterval(Duration retentionInterval) {
		this.retentionInterval = retentionInterval;
	}

	public Map<String, ProcessorOverrides> getProcessor() {
		return this.processor;
	}

	public Observations getObservations() {
		return this.observations;
	}

	public Snapshots getSnapshots() {
		return this.snapshots;
	}

	public Kafka getKafka() {
		return this.kafka;
	}

	public Ui getUi() {
		return this.ui;
	}

	public Encryption getEncryption() {
		return this.encryption;
	}

	/**
	 * Forwarders to Kafka and a replica fed from Kafka (with varve-kafka on the class
	 * path). Connection settings come from {@code spring.kafka.*}.
	 */
	/**
	 * One retention policy: at least one of the two limits.
	 */
	public static class Retention {

		/**
		 * Events committed longer ago than this are deleted.
		 */
		private @Nullable Duration maxAge;

		/**
		 * At most this many of each stream's newest events are kept.
		 */
		private @Nullable Long maxCount;

		public @Nullable Duration getMaxAge() {
			return this.maxAge;
		}

		public void setMaxAge(@Nullable Duration maxAge) {
			this.maxAge = maxAge;
		}

		public @Nullable Long getMaxCount() {
			return this.maxCount;
		}

		public void setMaxCount(@Nullable Long maxCount) {
			this.maxCount = maxCount;
		}

	}

	public static class Kafka {

		/**
		 * Forwarders by processor name: each publishes the store's events to Kafka as a
		 * checkpointed processor.
		 */
		private final Map<String, Forwarder> forwarders = new LinkedHashMap<>();

		private final Replica replica = new Replica();

		public Map<String, Forwarder> getForwarders() {
			return this.forwarders;
		}

		public Replica getReplica() {
			return this.replica;
		}

	}

	/**
	 * One forwarder to Kafka.
	 */
	public static class Forwarder {

		/**
		 * Whether it starts with the application.
		 */
		private boolean enabled = true;

		/**
		 * The topic of events whose category has no topic of its own.
		 */
		private @Nullable String topic;

		/**
		 * Topics by category (the part of a stream name before its first dash).
		 */
		private Map<String, String> topics = new LinkedHashMap<>();

		/**
		 * Only these categories are forwarded; empty for all.
		 */
		private List<String> categories = new ArrayList<>();

		/**
		 * What record values hold: 'smile' (the stored bytes; what replicas need) or
		 * 'json' (converted without the application's classes).
		 */
		private Format format = Format.SMILE;

		/**
		 * Events per batch: per flush and checkpoint.
		 */
		private int batchSize = 2000;

		/**
		 * What happens once a record's retries run out: STOP, or PARK for records Kafka
		 * refuses outright.
		 */
		private ErrorPolicy errorPolicy = ErrorPolicy.STOP;

		/**
		 * Extra producer settings for this forwarder, over spring.kafka.producer.*.
		 */
		private Map<String, String> producer = new LinkedHashMap<>();

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public @Nullable String getTopic() {
			return this.topic;
		}

		public void setTopic(@Nullable String topic) {
			this.topic = topic;
		}

		public Map<String, String> getTopics() {
			return this.topics;
		}

		public void setTopics(Map<String, String> topics) {
			this.topics = topics;
		}

		public List<String> getCategories() {
			return this.categories;
		}

		public void setCategories(List<String> categories) {
			this.categories = categories;
		}

		public Format getFormat() {
			return this.format;
		}

		public void setFormat(Format format) {
			this.format = format;
		}

		public int getBatchSize() {
			return this.batchSize;
		}

		public void setBatchSize(int batchSize) {
			this.batchSize = batchSize;
		}

		public ErrorPolicy getErrorPolicy() {
			return this.errorPolicy;
		}

		public void setErrorPolicy(ErrorPolicy errorPolicy) {
			this.errorPolicy = errorPolicy;
		}

		public Map<String, String> getProducer() {
			return this.producer;
		}

		public void setProducer(Map<String, String> producer) {
			this.producer = producer;
		}

		/** What a forwarded record's value holds. */
		public enum Format {

			/** The stored Smile bytes. */
			SMILE,

			/** JSON text converted from the stored Smile tree. */
			JSON

		}

	}

	/**
	 * This application's store as a replica fed from a forwarder's log topic: it opens
	 * the store as a replica (appends refused) and applies the topic's records.
	 */
	public static class Replica {

		/**
		 * Whether the store is a replica fed from Kafka.
		 */
		private boolean enabled;

		/**
		 * The log topic: one partition, fed by an unfiltered forwarder in Smile format.
		 */
		private String topic = "varve-log";

		/**
		 * The consumer group its offsets are committed to; defaults to 'varve-replica-'
		 * and the store directory's name.
		 */
		private @Nullable String groupId;

		/**
		 * Extra consumer settings, over spring.kafka.consumer.*.
		 */
		private Map<String, String> consumer = new LinkedHashMap<>();

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public String getTopic() {
			return this.topic;
		}

		public void setTopic(String topic) {
			this.topic = topic;
		}

		public @Nullable String getGroupId() {
			return this.groupId;
		}

		public void setGroupId(@Nullable String groupId) {
			this.groupId = groupId;
		}

		public Map<String, String> getConsumer() {
			return this.consumer;
		}

		public void setConsumer(Map<String, String> consumer) {
			this.consumer = consumer;
		}

	}

	/**
	 * The snapshot policy of the aggregate repositories made by the
	 * {@code VarveAggregates} bean.
	 */
	public static class Snapshots {

		/**
		 * Write a snapshot once a stream has grown by this many events since its last
		 * one; 0 for none.
		 */
		private long every = 100;

		/**
		 * Also write one whenever a load replayed more than this many events; 0 for no
		 * such rule.
		 */
		private long afterReplaying;

		/**
		 * How many snapshots of each stream to keep.
		 */
		private int keepLast = 2;

		public long getEvery() {
			return this.every;
		}

		public void setEvery(long every) {
			this.every = every;
		}

		public long getAfterReplaying() {
			return this.afterReplaying;
		}

		public void setAfterReplaying(long afterReplaying) {
			this.afterReplaying = afterReplaying;
		}

		public int getKeepLast() {
			return this.keepLast;
		}

		public void setKeepLast(int keepLast) {
			this.keepLast = keepLast;
		}

	}

	/**
	 * Micrometer observations of appends and processor handler invocations.
	 */
	public static class Observations {

		/**
		 * Whether to observe appends and handler invocations (timers, and traces that run
		 * from the request that appended an event to the processors that handle it) when
		 * an ObservationRegistry bean exists.
		 */
		private boolean enabled = true;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

	}

	/**
	 * Settings of all {@code @VarveProcessor} beans. Each processor can also be tuned
	 * under {@code varve.processor.<name>.*} (batch-size, error-policy, max-attempts,
	 * initial-backoff, max-backoff, backoff-multiplier, start-position, stall-timeout,
	 * enabled); see {@link ProcessorOverrides}.
	 */
	public static class Processors {

		/**
		 * Whether to start @VarveProcessor beans with the application. When false they
		 * are still registered and can be started through the ProcessorRegistry.
		 */
		private boolean enabled = true;

		/**
		 * Start only the @VarveProcessor beans of these names (the others are registered
		 * but not started); empty for all.
		 */
		private List<String> only = new ArrayList<>();

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public List<String> getOnly() {
			return this.only;
		}

		public void setOnly(List<String> only) {
			this.only = only;
		}

	}

	/**
	 * The operations page, served by the varve Actuator endpoint at /actuator/varve/ui
	 * with the endpoint's own exposure and access rules.
	 */
	public static class Ui {

		/**
		 * Whether to serve the operations page. The varve endpoint must be exposed over
		 * the web too.
		 */
		private boolean enabled;

		/**
		 * Whether the stream browser shows event payloads and metadata, as JSON decoded
		 * from Smile without the application's classes. Off, no response of the varve
		 * endpoint contains event data.
		 */
		private boolean showPayloads;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public boolean isShowPayloads() {
			return this.showPayloads;
		}

		public void setShowPayloads(boolean showPayloads) {
			this.showPayloads = showPayloads;
		}

	}

	/**
	 * Encryption at rest: each stream's payloads and metadata sealed with AES-256-GCM
	 * under a data key of its own, wrapped by a master key, kept in a key store outside
	 * the store directory. A KeyProvider bean of the application replaces the master-key
	 * properties.
	 */
	public static class Encryption {

		/**
		 * Whether the store encrypts its events. Only a new store can be encrypted, and
		 * an encrypted store opens only with encryption.
		 */
		private boolean enabled;

		/**
		 * Master key as the base64 of 32 random bytes (from an environment variable or a
		 * secret, never a committed file), unless a KeyProvider bean is defined.
		 */
		private @Nullable String masterKey;

		/**
		 * File holding the master key: 32 raw bytes or their base64. Used when no
		 * master-key is set and no KeyProvider bean is defined.
		 */
		private @Nullable Path masterKeyFile;

		/**
		 * Key store file holding each stream's wrapped data key. Required with
		 * encryption; must be outside the store directory, so that backups of the store
		 * hold no key.
		 */
		private @Nullable Path keyStorePath;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public @Nullable String getMasterKey() {
			return this.masterKey;
		}

		public void setMasterKey(@Nullable String masterKey) {
			this.masterKey = masterKey;
		}

		public @Nullable Path getMasterKeyFile() {
			return this.masterKeyFile;
		}

		public void setMasterKeyFile(@Nullable Path masterKeyFile) {
			this.masterKeyFile = masterKeyFile;
		}

		public @Nullable Path getKeyStorePath() {
			return this.keyStorePath;
		}

		public void setKeyStorePath(@Nullable Path keyStorePath) {
			this.keyStorePath = keyStorePath;
		}

	}

}

package io.varve.kafka;

import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jspecify.annotations.Nullable;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.smile.SmileMapper;

import io.varve.EventFilter;
import io.varve.InvalidArgumentException;
import io.varve.RecordedEvent;
import io.varve.ReplicatedEvent;
import io.varve.Varve;
import io.varve.processor.BatchIncompleteException;
import io.varve.processor.ErrorPolicy;
import io.varve.processor.ProcessorContext;
import io.varve.processor.ProcessorDefinition;
import io.varve.processor.RetryPolicy;
import io.varve.processor.StartPosition;

/**
 * Publishes a store's events to Kafka as a processor: it has a checkpoint, lag, health,
 * pause and resume and the actuator's controls like any other processor, and its
 * checkpoint moves past an event only once Kafka acknowledged it and every event before
 * it ({@code acks=all}, idempotent producer).
 * <p>
 * Each event becomes one record: the topic chosen by the stream's category (or the
 * default topic), the stream name as key (a stream's events stay in order in one
 * partition), the stored payload as value (Smile, or JSON by {@link ValueFormat}), and
 * the {@link ForwardedHeaders}. Events are sent as stored: upcasters are not applied, so
 * every position arrives once and a consumer with the same upcasters reads them as the
 * application does. An encrypted store ({@code VarveBuilder.encryption}) is refused: its
 * payloads would reach Kafka in clear, where forgetting a stream cannot reach them.
 * <p>
 * Delivery is at least once: after a crash or a failed send the forwarder sends again
 * from its checkpoint. The global position header is gapless and increasing over what a
 * forwarder sends, per partition, so {@link ForwardedPositions} removes the redelivered
 * records with one number per partition. A failed send is retried (the whole batch, with
 * the processor's backoff); then the processor stops (FAILED), or, for a record Kafka
 * refuses outright (too large, not allowed) under {@link ErrorPolicy#PARK}, parks that
 * event and goes on.
 *
 * <pre>{@code
 * KafkaForwarder forwarder = KafkaForwarder.builder("to-kafka")
 *     .producerProperties(Map.of("bootstrap.servers", "kafka:9092"))
 *     .topic("events")
 *     .topic("order", "orders")
 *     .build()
 *     .register(varve);
 * varve.processors().start("to-kafka");
 * }</pre>
 */
public final class KafkaForwarder implements AutoCloseable {

	private static final System.Logger LOG = System.getLogger(KafkaForwarder.class.getName());

	/**
	 * Retries for a batch Kafka did not take: about a minute of backoff before giving up.
	 */
	public static final RetryPolicy DEFAULT_RETRY = RetryPolicy.of(10, Duration.ofMillis(200), Duration.ofSeconds(10),
			2.0);

	private final String name;

	private final Map<String, Object> producerProperties;

	private final @Nullable String defaultTopic;

	private final Map<String, String> topics;

	private final ValueFormat format;

	private final ProcessorDefinition definition;

	private final SmileMapper smile = SmileMapper.builder().build();

	private final JsonMapper json = JsonMapper.builder().build();

	/** Failed sends of the current batch by position: the first one is reported. */
	private final ConcurrentSkipListMap<Long, Exception> failures = new ConcurrentSkipListMap<>();

	/** The failure that ended the batch's sending, the others following from it. */
	private final AtomicReference<Map.@Nullable Entry<Long, Exception>> primary = new AtomicReference<>();

	private final AtomicLong sent = new AtomicLong();

	private final AtomicLong acknowledged = new AtomicLong();

	private final Object producerLock = new Object();

	private volatile @Nullable Producer<byte[], byte[]> producer;

	/**
	 * The thread inside {@code send}: a callback on it reports a failure send returns.
	 */
	private volatile @Nullable Thread sending;

	private long batchSent;

	private volatile boolean closed;

	private KafkaForwarder(Builder builder) {
		this.name = builder.name;
		this.producerProperties = producerConfig(builder.name, builder.producerProperties);
		this.defaultTopic = builder.defaultTopic;
		this.topics = Map.copyOf(builder.topics);
		this.format = builder.format;
		this.definition = ProcessorDefinition.builder(builder.name)
			.filter(builder.filter)
			.batchSize(builder.batchSize)
			.startPosition(builder.startPosition)
			.errorPolicy(builder.errorPolicy)
			.retryPolicy(builder.retryPolicy)
			.asStored()
			.handler(this::send)
			.barrier(this::awaitAcknowledged)
			.build();
	}

	/**
	 * Starts a forwarder.
	 * @param name the processor name
	 * @return a builder
	 */
	public static Builder builder(String name) {
		ProcessorDefinition.builder(name);
		return new Builder(name);
	}

	/** The processor name. */
	public String name() {
		return this.name;
	}

	/** The processor that forwards: register it with a store's processors. */
	public ProcessorDefinition definition() {
		return this.definition;
	}

	/**
	 * Registers the forwarder's processor with a store (not started).
	 * @param varve the store
	 * @return this forwarder
	 * @throws InvalidArgumentException if the store is encrypted
	 */
	public KafkaForwarder register(Varve varve) {
		if (varve.isEncrypted()) {
			// The forwarder sends payloads as the application reads them, decrypted: a
			// topic would keep in clear what Varve.forget is meant to make unreadable.
			throw new InvalidArgumentException("Forwarder '" + this.name + "' cannot forward the encrypted store at "
					+ varve.path() + ": Kafka would hold its payloads in clear, out of reach of Varve.forget. "
					+ "Forward from a store without encryption, or forward only what may be kept (a processor of "
					+ "your own that publishes derived, non-personal events)");
		}
		varve.processors().register(this.definition);
		return this;
	}

	/**
	 * Records handed to the producer since this forwarder was built (resends included).
	 */
	public long sent() {
		return this.sent.get();
	}

	/** Records Kafka acknowledged since this forwarder was built. */
	public long acknowledged() {
		return this.acknowledged.get();
	}

	/** The topic an event of a category goes to. */
	String topicFor(String category) {
		String topic = this.topics.get(category);
		if (topic == null) {
			topic = this.defaultTopic;
		}
		if (topic == null) {
			throw new InvalidArgumentException("Forwarder '" + this.name + "' has no topic for category '" + category
					+ "' and no default topic; set one with topic(\"events\") or filter the categories it forwards");
		}
		return topic;
	}

	private void send(RecordedEvent event, ProcessorContext context) throws Exception {
		if (!this.failures.isEmpty()) {
			// The batch failed already: it is sent again whole, so nothing after the
			// failure may reach Kafka before it.
			return;
		}
		ReplicatedEvent stored = ReplicatedEvent.of(event);
		byte[] value = (this.format == ValueFormat.SMILE) ? stored.data() : toJson(stored.data());
		ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topicFor(event.category()), null,
				event.stream().getBytes(StandardCharsets.UTF_8), value);
		ForwardedHeaders.write(record.headers(), stored, this.format);
		long position = event.position();
		Producer<byte[], byte[]> target = producer();
		Future<RecordMetadata> future;
		this.sending = Thread.currentThread();
		try {
			future = target.send(record, (metadata, ex) -> completed(position, ex));
		}
		catch (KafkaException ex) {
			refused(position, ex);
			return;
		}
		finally {
			this.sending = null;
		}
		this.sent.incrementAndGet();
		this.batchSent++;
		if (future.isDone()) {
			try {
				future.get();
			}
			catch (ExecutionException ex) {
				refused(position, (ex.getCause() instanceof Exception cause) ? cause : ex);
			}
		}
	}

	/**
	 * A send that failed before its record left: per event, unless the broker is away.
	 */
	private void refused(long position, Exception ex) throws Exception {
		if (ex instanceof RetriableException) {
			this.failures.put(position, ex);
			this.primary.compareAndSet(null, Map.entry(position, ex));
			return;
		}
		// Refused outright (too large, a bad topic): this event's own retries and error
		// policy apply; nothing after it was sent.
		throw ex;
	}

	private void completed(long position, @Nullable Exception ex) {
		if (ex == null) {
			this.acknowledged.incrementAndGet();
			return;
		}
		if (Thread.currentThread() == this.sending) {
			// Reported by send itself: handled there.
			return;
		}
		this.failures.put(position, ex);
		if (this.primary.compareAndSet(null, Map.entry(position, ex))) {
			// Nothing queued after a failed record may reach its partition before the
			// record does: close now, which drops what was not sent yet.
			Producer<byte[], byte[]> current = this.producer;
			if (current != null) {
				current.close(Duration.ZERO);
			}
		}
	}

	private void awaitAcknowledged(long lastPosition, int attempt) {
		Producer<byte[], byte[]> current = this.producer;
		long count = this.batchSent;
		this.batchSent = 0;
		if (current != null && count > 0) {
			try {
				current.flush();
			}
			catch (RuntimeException ex) {
				// Closed by a failed send or by close(): the failures say which.
				if (this.failures.isEmpty()) {
					this.failures.put(lastPosition, ex);
				}
			}
		}
		if (this.failures.isEmpty()) {
			return;
		}
		long firstFailed = this.failures.firstKey();
		Map.Entry<Long, Exception> cause = this.primary.getAndSet(null);
		if (cause == null) {
			cause = this.failures.firstEntry();
		}
		this.failures.clear();
		resetProducer();
		// Records dropped by closing the producer after a failure are not refused: only
		// the failure itself, when it is the first record missing, may be parked.
		boolean retriable = cause.getValue() instanceof RetriableException || cause.getKey() != firstFailed;
		throw new BatchIncompleteException("Kafka did not take the event at position " + cause.getKey()
				+ " (forwarder '" + this.name + "', attempt " + attempt + "): " + cause.getValue(), firstFailed,
				retriable, cause.getValue());
	}

	private Producer<byte[], byte[]> producer() {
		Producer<byte[], byte[]> current = this.producer;
		if (current != null) {
			return current;
		}
		synchronized (this.producerLock) {
			if (this.closed) {
				throw new IllegalStateException("Forwarder '" + this.name + "' is closed");
			}
			if (this.producer == null) {
				this.producer = new KafkaProducer<>(this.producerProperties, new ByteArraySerializer(),
						new ByteArraySerializer());
			}
			return this.producer;
		}
	}

	private void resetProducer() {
		synchronized (this.producerLock) {
			Producer<byte[], byte[]> current = this.producer;
			this.producer = null;
			if (current != null) {
				try {
					current.close(Duration.ZERO);
				}
				catch (RuntimeException ex) {
					LOG.log(Level.DEBUG, "Closing the failed producer of forwarder '" + this.name + "'", ex);
				}
			}
		}
	}

	private byte[] toJson(byte[] smileBytes) {
		JsonNode tree = this.smile.readTree(smileBytes);
		return this.json.writeValueAsBytes(tree);
	}

	/**
	 * Closes the producer, waiting a few seconds for records in flight. Stop the
	 * processor first; what was sent but not acknowledged is sent again from the
	 * checkpoint next time.
	 */
	@Override
	public void close() {
		synchronized (this.producerLock) {
			this.closed = true;
			Producer<byte[], byte[]> current = this.producer;
			this.producer = null;
			if (current != null) {
				current.close(Duration.ofSeconds(5));
			}
		}
	}

	static Map<String, Object> producerConfig(String name, Map<String, Object> given) {
		Map<String, Object> config = new HashMap<>();
		config.put(ProducerConfig.CLIENT_ID_CONFIG, "varve-forwarder-" + name);
		config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
		config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
		config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
		config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
		config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
		config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
		config.putAll(given);
		check(name, config, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
		check(name, config, ProducerConfig.ACKS_CONFIG, "all");
		config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
		config.put(ProducerConfig.ACKS_CONFIG, "all");
		Object inFlight = config.get(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION);
		if (inFlight != null && Integer.parseInt(inFlight.toString()) > 5) {
			throw new InvalidArgumentException("Forwarder '" + name + "' needs "
					+ ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION + " of 5 or less to keep each partition "
					+ "in order, got " + inFlight + "; remove the setting");
		}
		config.remove(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG);
		config.remove(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG);
		config.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
		if (!config.containsKey(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG)) {
			throw new InvalidArgumentException("Forwarder '" + name + "' has no "
					+ ProducerConfig.BOOTSTRAP_SERVERS_CONFIG + "; give the Kafka brokers in its producer properties");
		}
		return Map.copyOf(config);
	}

	private static void check(String name, Map<String, Object> config, String key, String required) {
		Object value = config.get(key);
		if (value != null && !required.equalsIgnoreCase(value.toString())) {
			throw new InvalidArgumentException("Forwarder '" + name + "' needs " + key + "=" + required
					+ " (so that a record is acknowledged only once every replica has it, and retries neither "
					+ "duplicate nor reorder it), got " + value + "; remove the setting");
		}
	}

	/** Settings of a {@link KafkaForwarder}. */
	public static final class Builder {

		private final String name;

		private final Map<String, Object> producerProperties = new LinkedHashMap<>();

		private @Nullable String defaultTopic;

		private final Map<String, String> topics = new LinkedHashMap<>();

		private ValueFormat format = ValueFormat.SMILE;

		private EventFilter filter = EventFilter.all();

		private int batchSize = 5000;

		private StartPosition startPosition = StartPosition.BEGINNING;

		private ErrorPolicy errorPolicy = ErrorPolicy.STOP;

		private RetryPolicy retryPolicy = DEFAULT_RETRY;

		private Builder(String name) {
			this.name = name;
		}

		/**
		 * Kafka producer settings ({@code bootstrap.servers} at least). Idempotence,
		 * {@code acks=all} and the byte serializers are always set.
		 * @param properties the settings
		 * @return this builder
		 */
		public Builder producerProperties(Map<String, ?> properties) {
			if (properties == null) {
				throw new InvalidArgumentException("Producer properties of forwarder '" + this.name
						+ "' must not be null; give bootstrap.servers at least");
			}
			this.producerProperties.putAll(properties);
			return this;
		}

		/**
		 * The topic of events whose category has none of its own.
		 * @param topic the topic
		 * @return this builder
		 */
		public Builder topic(String topic) {
			this.defaultTopic = topicName(topic);
			return this;
		}

		/**
		 * The topic for one category's events.
		 * @param category the category (the part of a stream name before its first dash)
		 * @param topic the topic
		 * @return this builder
		 */
		public Builder topic(String category, String topic) {
			if (category == null || category.isBlank()) {
				throw new InvalidArgumentException("Category of a topic of forwarder '" + this.name
						+ "' must not be blank; give the part of stream names before their first dash");
			}
			this.topics.put(category, topicName(topic));
			return this;
		}

		/**
		 * What record values hold (default {@link ValueFormat#SMILE}).
		 * @param format the format
		 * @return this builder
		 */
		public Builder format(ValueFormat format) {
			if (format == null) {
				throw new InvalidArgumentException(
						"Value format of forwarder '" + this.name + "' must not be null; use ValueFormat.SMILE");
			}
			this.format = format;
			return this;
		}

		/**
		 * Which events to forward (default all). A forwarder that feeds replicas must
		 * forward all.
		 * @param filter the filter
		 * @return this builder
		 */
		public Builder filter(EventFilter filter) {
			this.filter = filter;
			return this;
		}

		/**
		 * Events per batch, and so per flush and checkpoint (default 5,000): at most this
		 * many are sent again after a crash.
		 * @param batchSize the batch size
		 * @return this builder
		 */
		public Builder batchSize(int batchSize) {
			this.batchSize = batchSize;
			return this;
		}

		/**
		 * Where a new forwarder starts (default the beginning of the log).
		 * @param startPosition the start
		 * @return this builder
		 */
		public Builder startPosition(StartPosition startPosition) {
			this.startPosition = startPosition;
			return this;
		}

		/**
		 * What happens once a record's retries run out (default STOP).
		 * @param errorPolicy the policy
		 * @return this builder
		 */
		public Builder errorPolicy(ErrorPolicy errorPolicy) {
			this.errorPolicy = errorPolicy;
			return this;
		}

		/**
		 * How often and how patiently a batch Kafka did not take is sent again (default
		 * {@link KafkaForwarder#DEFAULT_RETRY}).
		 * @param retryPolicy the policy
		 * @return this builder
		 */
		public Builder retryPolicy(RetryPolicy retryPolicy) {
			this.retryPolicy = retryPolicy;
			return this;
		}

		/**
		 * Builds the forwarder; its producer connects on the first event.
		 * @return the forwarder
		 */
		public KafkaForwarder build() {
			if (this.defaultTopic == null && this.topics.isEmpty()) {
				throw new InvalidArgumentException("Forwarder '" + this.name
						+ "' has no topic; set a default with topic(\"events\") and/or one per category");
			}
			return new KafkaForwarder(this);
		}

		private String topicName(String topic) {
			if (topic == null || !topic.matches("[a-zA-Z0-9._-]{1,249}")) {
				throw new InvalidArgumentException("Topic '" + topic + "' of forwarder '" + this.name
						+ "' is not a valid Kafka topic name: 1 to 249 letters, digits, '.', '_' or '-'");
			}
			return topic;
		}

	}

}

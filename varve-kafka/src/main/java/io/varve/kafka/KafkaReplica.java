package io.varve.kafka;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.jspecify.annotations.Nullable;

import io.varve.InvalidArgumentException;
import io.varve.ReplicatedEvent;
import io.varve.Replication;
import io.varve.Varve;
import io.varve.VarveException;

/**
 * Keeps a store on another machine equal to its source, fed from a forwarder's log topic
 * (one partition, every event, Smile values): it applies the records in order with the
 * source's positions, versions, ids and bytes ({@link Replication}), skips the
 * redeliveries at-least-once forwarding brings, and resumes from its own head after a
 * restart. The store must be opened with {@code Varve.builder().replica()}: the
 * application reads it, runs its own processors on it and cannot append to it.
 * <p>
 * Its consumer is assigned the topic's single partition (no group rebalancing) and
 * commits its offset to its group after each applied batch, for monitoring and to resume
 * without rereading the topic; the store's head decides what is applied, so a lost or
 * stale offset only costs rereading.
 */
public final class KafkaReplica implements AutoCloseable {

	private static final System.Logger LOG = System.getLogger(KafkaReplica.class.getName());

	/** What a replica is doing. */
	public enum State {

		/** Built, not started. */
		NEW,

		/** Applying records as they come. */
		RUNNING,

		/** Stopped by {@link #close()}. */
		STOPPED,

		/** Stopped on a record it could not apply: see {@link Status#lastError()}. */
		FAILED

	}

	/**
	 * What a replica reports.
	 *
	 * @param state what it is doing
	 * @param topic its log topic
	 * @param appliedPosition the store's head: the last position applied
	 * @param lag records of the topic not applied yet, or -1 before the first poll
	 * @param applied records applied since start
	 * @param skipped redelivered records skipped since start
	 * @param lastError why it failed, or null
	 */
	public record Status(State state, String topic, long appliedPosition, long lag, long applied, long skipped,
			@Nullable String lastError) {

	}

	private final Varve varve;

	private final Replication replication;

	private final String topic;

	private final Map<String, Object> consumerProperties;

	private final Duration pollTimeout;

	private final Thread thread;

	private final CountDownLatch finished = new CountDownLatch(1);

	private final Object progress = new Object();

	private volatile State state = State.NEW;

	private volatile long lag = -1;

	private volatile long applied;

	private volatile long skipped;

	private volatile @Nullable String lastError;

	private volatile @Nullable Consumer<byte[], byte[]> consumer;

	private volatile boolean stopping;

	private KafkaReplica(Builder builder) {
		this.varve = builder.varve;
		this.replication = Replication.of(builder.varve);
		this.topic = builder.topic;
		this.pollTimeout = builder.pollTimeout;
		Map<String, Object> config = new HashMap<>();
		config.put(ConsumerConfig.GROUP_ID_CONFIG, "varve-replica-" + builder.varve.path().getFileName());
		// Large fetches: the log is read in order from one partition, and each poll's
		// records are applied in one transaction.
		config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
		config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024);
		config.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 64 * 1024 * 1024);
		config.putAll(builder.consumerProperties);
		config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
		config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
		config.remove(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG);
		config.remove(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG);
		if (!config.containsKey(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG)) {
			throw new InvalidArgumentException("Replica of topic '" + this.topic + "' has no "
					+ ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG + "; give the Kafka brokers in its consumer properties");
		}
		this.consumerProperties = Map.copyOf(config);
		this.thread = new Thread(this::run, "varve-replica-" + builder.varve.path().getFileName());
		this.thread.setDaemon(true);
	}

	/**
	 * Starts a replica.
	 * @param varve the store, opened with {@code Varve.builder().replica()}
	 * @return a builder
	 */
	public static Builder builder(Varve varve) {
		if (varve == null) {
			throw new InvalidArgumentException("Replica store must not be null");
		}
		Replication.of(varve);
		return new Builder(varve);
	}

	/**
	 * Starts applying records on a thread of its own.
	 * @return this replica
	 */
	public KafkaReplica start() {
		synchronized (this.progress) {
			if (this.state != State.NEW) {
				throw new IllegalStateException("Replica of '" + this.topic + "' was started already");
			}
			this.state = State.RUNNING;
		}
		this.thread.start();
		return this;
	}

	/** What the replica is doing. */
	public Status status() {
		return new Status(this.state, this.topic, this.replication.headPosition(), this.lag, this.applied, this.skipped,
				this.lastError);
	}

	/**
	 * Waits until the replica holds a position (read your writes on a replica: the
	 * writer's append returned the position).
	 * @param position the position
	 * @param timeout how long to wait
	 * @return true when it holds it, false on timeout or when the replica stopped
	 * @throws InterruptedException when interrupted
	 */
	public boolean awaitPosition(long position, Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		synchronized (this.progress) {
			while (this.replication.headPosition() < position) {
				long left = deadline - System.nanoTime();
				if (left <= 0 || this.state == State.FAILED || this.state == State.STOPPED) {
					return false;
				}
				TimeUnit.NANOSECONDS.timedWait(this.progress, left);
			}
			return true;
		}
	}

	private void run() {
		try (Consumer<byte[], byte[]> kafka = new KafkaConsumer<>(this.consumerProperties, new ByteArrayDeserializer(),
				new ByteArrayDeserializer())) {
			this.consumer = kafka;
			TopicPartition partition = partitionOf(kafka);
			kafka.assign(List.of(partition));
			OffsetAndMetadata committed = kafka.committed(Set.of(partition)).get(partition);
			if (committed != null) {
				kafka.seek(partition, committed.offset());
			}
			else {
				kafka.seekToBeginning(List.of(partition));
			}
			// Batches commit while the next ones are read and decoded: at most two in
			// flight, each with the offset to commit once it is stored.
			ArrayDeque<Pending> inFlight = new ArrayDeque<>();
			long submitted = this.replication.headPosition();
			while (!this.stopping) {
				ConsumerRecords<byte[], byte[]> records = kafka.poll(this.pollTimeout);
				// Before anyone waiting for the batches below is told they are stored, so
				// that the status never shows an unknown lag after events were applied.
				this.lag = kafka.currentLag(partition).orElse(this.lag);
				if (!records.isEmpty()) {
					List<ReplicatedEvent> batch = decode(records.records(partition), submitted);
					if (!batch.isEmpty()) {
						submitted = batch.get(batch.size() - 1).position();
						inFlight.add(new Pending(this.replication.applyAsync(batch), batch.size(),
								kafka.position(partition)));
					}
				}
				while (!inFlight.isEmpty() && (inFlight.peek().stored.isDone() || inFlight.size() > 2)) {
					Pending done = inFlight.poll();
					done.stored.join();
					this.applied += done.events;
					kafka.commitAsync(Map.of(partition, new OffsetAndMetadata(done.nextOffset)), null);
					synchronized (this.progress) {
						this.progress.notifyAll();
					}
				}
			}
			for (Pending pending : inFlight) {
				pending.stored.join();
			}
			finish(State.STOPPED, null);
		}
		catch (WakeupException ex) {
			finish(State.STOPPED, null);
		}
		catch (RuntimeException | Error failure) {
			Throwable ex = (failure instanceof CompletionException && failure.getCause() != null) ? failure.getCause()
					: failure;
			if (this.stopping && !(ex instanceof VarveException)) {
				finish(State.STOPPED, null);
			}
			else {
				LOG.log(Level.ERROR, "Replica of topic '" + this.topic + "' into " + this.varve.path()
						+ " stopped at position " + this.replication.headPosition() + ": " + ex.getMessage(), ex);
				finish(State.FAILED, ex.toString());
			}
		}
		finally {
			this.consumer = null;
			this.finished.countDown();
		}
	}

	/** The records' events after a position: redeliveries at or below it are skipped. */
	private List<ReplicatedEvent> decode(List<ConsumerRecord<byte[], byte[]>> records, long after) {
		long head = after;
		List<ReplicatedEvent> batch = new ArrayList<>(records.size());
		for (ConsumerRecord<byte[], byte[]> record : records) {
			ReplicatedEvent event = ForwardedHeaders.event(record);
			if (event.position() <= head) {
				this.skipped++;
				continue;
			}
			batch.add(event);
			head = event.position();
		}
		return batch;
	}

	/** A batch handed to the store and not yet seen stored. */
	private record Pending(CompletableFuture<Long> stored, int events, long nextOffset) {

	}

	private TopicPartition partitionOf(Consumer<byte[], byte[]> kafka) {
		List<PartitionInfo> partitions = kafka.partitionsFor(this.topic, Duration.ofSeconds(30));
		if (partitions == null || partitions.isEmpty()) {
			throw new VarveException("Log topic '" + this.topic + "' does not exist; create it with one partition "
					+ "(or start its forwarder first)");
		}
		if (partitions.size() != 1) {
			throw new VarveException("Log topic '" + this.topic + "' has " + partitions.size() + " partitions; a "
					+ "replica needs the log in one order: give the log topic exactly one partition");
		}
		return new TopicPartition(this.topic, 0);
	}

	private void finish(State end, @Nullable String error) {
		synchronized (this.progress) {
			this.lastError = error;
			this.state = end;
			this.progress.notifyAll();
		}
	}

	/** Stops applying and closes the consumer; the store stays open. */
	@Override
	public void close() {
		this.stopping = true;
		Consumer<byte[], byte[]> current = this.consumer;
		if (current != null) {
			current.wakeup();
		}
		if (this.thread.isAlive()) {
			try {
				if (!this.finished.await(30, TimeUnit.SECONDS)) {
					LOG.log(Level.WARNING, "Replica of topic '" + this.topic + "' did not stop within 30 s");
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		else if (this.state == State.NEW) {
			this.state = State.STOPPED;
		}
	}

	/** Settings of a {@link KafkaReplica}. */
	public static final class Builder {

		private final Varve varve;

		private final Map<String, Object> consumerProperties = new LinkedHashMap<>();

		private String topic = "varve-log";

		private Duration pollTimeout = Duration.ofMillis(200);

		private Builder(Varve varve) {
			this.varve = varve;
		}

		/**
		 * The log topic (default {@code varve-log}): one partition, fed by an unfiltered
		 * forwarder in Smile format.
		 * @param topic the topic
		 * @return this builder
		 */
		public Builder topic(String topic) {
			if (topic == null || topic.isBlank()) {
				throw new InvalidArgumentException("Replica topic must not be blank; give the forwarder's log topic");
			}
			this.topic = topic;
			return this;
		}

		/**
		 * Kafka consumer settings ({@code bootstrap.servers} at least; {@code group.id}
		 * defaults to {@code varve-replica-<store directory name>}).
		 * @param properties the settings
		 * @return this builder
		 */
		public Builder consumerProperties(Map<String, ?> properties) {
			if (properties == null) {
				throw new InvalidArgumentException(
						"Replica consumer properties must not be null; give bootstrap.servers at least");
			}
			this.consumerProperties.putAll(properties);
			return this;
		}

		/**
		 * How long one poll waits for records (default 200 ms).
		 * @param pollTimeout the wait
		 * @return this builder
		 */
		public Builder pollTimeout(Duration pollTimeout) {
			if (pollTimeout == null || pollTimeout.isNegative() || pollTimeout.isZero()) {
				throw new InvalidArgumentException("Replica poll timeout must be positive, got " + pollTimeout);
			}
			this.pollTimeout = pollTimeout;
			return this;
		}

		/**
		 * Builds the replica, not started.
		 * @return the replica
		 */
		public KafkaReplica build() {
			return new KafkaReplica(this);
		}

	}

}

package io.varve.kafka;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

import kafka.server.BrokerServer;

/**
 * A real Kafka broker in this JVM (KRaft, one node, from the Apache Kafka artifacts via
 * spring-kafka-test), on a fixed port so that it can be stopped and started again at the
 * same address.
 */
final class TestBroker implements AutoCloseable {

	private final EmbeddedKafkaKraftBroker broker;

	TestBroker() {
		this.broker = new EmbeddedKafkaKraftBroker(1, 1);
		this.broker.kafkaPorts(freePort());
		this.broker.brokerProperty("log.flush.interval.messages", Long.MAX_VALUE);
		this.broker.afterPropertiesSet();
	}

	String bootstrapServers() {
		return this.broker.getBrokersAsString();
	}

	Map<String, Object> clientProperties() {
		return Map.of("bootstrap.servers", bootstrapServers());
	}

	void createTopic(NewTopic topic) {
		this.broker.addTopics(topic);
	}

	void createTopic(String name, int partitions) {
		this.broker.addTopics(new NewTopic(name, partitions, (short) 1));
	}

	/** Stops the broker: clients see it go away. */
	void stop() {
		BrokerServer server = server();
		server.shutdown();
		server.awaitShutdown();
	}

	/** Starts the stopped broker again on the same port and logs. */
	void start() {
		server().startup();
	}

	private BrokerServer server() {
		return this.broker.getCluster().brokers().values().iterator().next();
	}

	/** Every record of a topic, from its beginning, read until {@code expected} came. */
	List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int expected, Duration timeout) {
		List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
		try (KafkaConsumer<byte[], byte[]> consumer = fromBeginning(topic)) {
			long deadline = System.nanoTime() + timeout.toNanos();
			while (records.size() < expected && System.nanoTime() < deadline) {
				consumer.poll(Duration.ofMillis(100)).forEach(records::add);
			}
			// Anything beyond what was expected (duplicates) arrives soon after.
			consumer.poll(Duration.ofMillis(300)).forEach(records::add);
		}
		return records;
	}

	/** A consumer assigned every partition of a topic, at its beginning. */
	private KafkaConsumer<byte[], byte[]> fromBeginning(String topic) {
		Properties properties = new Properties();
		properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
		properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
		KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(properties, new ByteArrayDeserializer(),
				new ByteArrayDeserializer());
		List<TopicPartition> partitions = consumer.partitionsFor(topic)
			.stream()
			.map((info) -> new TopicPartition(topic, info.partition()))
			.toList();
		consumer.assign(partitions);
		consumer.seekToBeginning(partitions);
		return consumer;
	}

	/** Every record a topic holds now. */
	List<ConsumerRecord<byte[], byte[]>> readToEnd(String topic) {
		List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
		try (KafkaConsumer<byte[], byte[]> consumer = fromBeginning(topic)) {
			Set<TopicPartition> partitions = consumer.assignment();
			Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
			long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
			while (partitions.stream().anyMatch((p) -> consumer.position(p) < end.get(p))) {
				if (System.nanoTime() > deadline) {
					throw new IllegalStateException("Could not read " + topic + " to its end in 60 s");
				}
				consumer.poll(Duration.ofMillis(100)).forEach(records::add);
			}
		}
		return records;
	}

	@Override
	public void close() {
		this.broker.destroy();
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}

package io.varve.benchmarks.scenario;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

import io.varve.Durability;
import io.varve.Varve;
import io.varve.benchmarks.report.Row;
import io.varve.benchmarks.support.Alternation;
import io.varve.benchmarks.support.Events;
import io.varve.benchmarks.support.ItemAdded;
import io.varve.benchmarks.support.Latencies;
import io.varve.benchmarks.support.Measurement;
import io.varve.benchmarks.support.Settings;
import io.varve.benchmarks.support.Stores;
import io.varve.kafka.ForwardedHeaders;
import io.varve.kafka.KafkaForwarder;
import io.varve.kafka.KafkaReplica;

/**
 * Scenario 11: beyond one machine through Kafka, against a real broker in this process
 * (KRaft, one node). Forwarding a store's log with the checkpointed forwarder against a
 * plain {@code KafkaProducer} loop sending the same payload bytes with the same headers
 * and producer settings to the same broker; a replica applying the forwarded log topic
 * against batched appends of the same events to a local store.
 */
public final class KafkaScenario implements Scenario {

	/**
	 * Events per append of the local baseline, and about what one replica poll brings.
	 */
	static final int APPEND_BATCH = 1000;

	static final int STREAMS = 100;

	@Override
	public int number() {
		return 11;
	}

	@Override
	public String title() {
		return "Forwarding to Kafka and replicas";
	}

	@Override
	public List<Row> run(Settings settings) throws Exception {
		long events = settings.logEvents();
		EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, 1);
		broker.kafkaPorts(freePort());
		broker.afterPropertiesSet();
		try {
			return run(settings, events, broker);
		}
		finally {
			broker.destroy();
		}
	}

	private List<Row> run(Settings settings, long events, EmbeddedKafkaKraftBroker broker) throws Exception {
		String servers = broker.getBrokersAsString();
		Path sourceDir = Stores.freshDirectory(settings.workDir(), "kafka-source");
		try (Varve source = Varve.builder()
			.path(sourceDir)
			.durability(Durability.NO_SYNC)
			.eventTypes(ItemAdded.class)
			.open()) {
			Stores.fill(source, events, APPEND_BATCH, STREAMS, 0);
		}
		byte[][] values = new byte[(int) events][];
		String[] keys = new String[(int) events];
		int[] index = { 0 };
		Stores.batches(events, APPEND_BATCH, STREAMS, 0, (cart, written, chunk) -> {
			for (ItemAdded event : chunk) {
				keys[index[0]] = "cart-" + cart;
				values[index[0]++] = Events.encode(event);
			}
		});
		int rounds = settings.rounds();
		Measurement forwarded = null;
		Measurement plain = null;
		String logTopic = null;
		try (Varve source = Varve.builder().path(sourceDir).eventTypes(ItemAdded.class).open()) {
			// Warm-up, not counted: both sides once, so that neither is measured cold.
			broker.addTopics(new NewTopic("warm-forwarded", 1, (short) 1), new NewTopic("warm-plain", 1, (short) 1));
			forward(source, servers, "warm-forwarded", -1, events);
			plainLoop(servers, "warm-plain", keys, values);
			Scenario.progress("warmed up");
			for (int round = 0; round < rounds; round++) {
				String fwdTopic = "forwarded-" + round;
				String plainTopic = "plain-" + round;
				broker.addTopics(new NewTopic(fwdTopic, 1, (short) 1), new NewTopic(plainTopic, 1, (short) 1));
				if (round % 2 == 0) {
					forwarded = forward(source, servers, fwdTopic, round, events).plus(forwarded);
					plain = plainLoop(servers, plainTopic, keys, values).plus(plain);
				}
				else {
					plain = plainLoop(servers, plainTopic, keys, values).plus(plain);
					forwarded = forward(source, servers, fwdTopic, round, events).plus(forwarded);
				}
				logTopic = fwdTopic;
				Scenario
					.progress(String.format(Locale.ROOT, "round %d: forwarder %,.0f ev/s, plain producer %,.0f ev/s",
							round + 1, forwarded.rate(), plain.rate()));
			}
		}
		replicate(settings, servers, logTopic, events, -1);
		appendLocally(settings, events);
		Scenario.progress("warmed up");
		String replicatedTopic = logTopic;
		Measurement[] pooled = Alternation
			.run(rounds,
					(round, soFar) -> Scenario.progress(String.format(Locale.ROOT,
							"round %d: replica applies %,.0f ev/s, batched appends %,.0f ev/s", round + 1,
							soFar[0].rate(), soFar[1].rate())),
					(round) -> replicate(settings, servers, replicatedTopic, events, round),
					(round) -> appendLocally(settings, events));
		Measurement replicated = pooled[0];
		Measurement appended = pooled[1];
		Stores.delete(sourceDir);
		List<Row> rows = new ArrayList<>();
		rows.add(new Row("11. Forwarding to Kafka", "KafkaForwarder: checkpointed, acknowledged per batch", forwarded,
				"plain KafkaProducer loop, same bytes and headers", plain, 0.8,
				String.format(Locale.ROOT, "%,d events of the benchmark shape in %d streams, forwarded to a "
						+ "one-partition topic of a real broker in this process (KRaft, one node). Both producers: "
						+ "idempotent, acks=all, linger 5 ms, batch.size 256 KiB, no compression. The forwarder reads "
						+ "the store, builds each record from the stored envelope, and commits its checkpoint after "
						+ "each 5,000-event batch is acknowledged (flush); the loop sends pre-encoded payloads with "
						+ "the same six headers and flushes once at the end. %d alternating rounds after an uncounted warm-up of each side, a new topic each.",
						events, STREAMS, rounds)));
		rows.add(new Row("11. Replica applying the log topic", "KafkaReplica into a fresh store (durability sync)",
				replicated, "batched appends (1,000 events) to a local store, same durability", appended, 0.5,
				String.format(Locale.ROOT,
						"The forwarded topic's %,d records applied by a replica with the "
								+ "source's positions, versions, ids and bytes, from the consumer's start to the last "
								+ "position applied; the comparison appends the same events in %,d-event appends to %d "
								+ "streams of a fresh store. %d alternating rounds.",
						events, APPEND_BATCH, STREAMS, rounds)));
		return rows;
	}

	private static Measurement forward(Varve source, String servers, String topic, int round, long events)
			throws Exception {
		String name = (round < 0) ? "forward-warm-up" : "forward-" + round;
		try (KafkaForwarder forwarder = KafkaForwarder.builder(name)
			.producerProperties(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers))
			.topic(topic)
			.build()
			.register(source)) {
			long start = System.nanoTime();
			source.processors().start(name);
			source.processors().awaitProcessed(name, events, Duration.ofMinutes(10));
			long nanos = System.nanoTime() - start;
			source.processors().stop(name);
			return new Measurement(events, nanos, Latencies.none());
		}
	}

	private static Measurement plainLoop(String servers, String topic, String[] keys, byte[][] values) {
		Map<String, Object> config = new HashMap<>();
		config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
		config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
		config.put(ProducerConfig.ACKS_CONFIG, "all");
		config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
		config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
		config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
		try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config, new ByteArraySerializer(),
				new ByteArraySerializer())) {
			long start = System.nanoTime();
			long micros = System.currentTimeMillis() * 1000;
			for (int i = 0; i < values.length; i++) {
				ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, null,
						keys[i].getBytes(StandardCharsets.UTF_8), values[i]);
				addHeaders(record.headers(), i + 1, micros + i);
				producer.send(record);
			}
			producer.flush();
			return new Measurement(values.length, System.nanoTime() - start, Latencies.none());
		}
	}

	/** The headers a forwarder writes, with values of the same sizes. */
	private static void addHeaders(Headers headers, long position, long micros) {
		UUID id = UUID.randomUUID();
		headers.add(ForwardedHeaders.EVENT_ID,
				ByteBuffer.allocate(16)
					.putLong(id.getMostSignificantBits())
					.putLong(id.getLeastSignificantBits())
					.array());
		headers.add(ForwardedHeaders.TYPE, "item-added".getBytes(StandardCharsets.UTF_8));
		headers.add(ForwardedHeaders.STREAM_VERSION, ByteBuffer.allocate(8).putLong(position).array());
		headers.add(ForwardedHeaders.POSITION, ByteBuffer.allocate(8).putLong(position).array());
		headers.add(ForwardedHeaders.TIMESTAMP, ByteBuffer.allocate(8).putLong(micros).array());
		headers.add(ForwardedHeaders.CONTENT_TYPE, "application/x-jackson-smile".getBytes(StandardCharsets.UTF_8));
	}

	private static Measurement replicate(Settings settings, String servers, String topic, long events, int round)
			throws InterruptedException {
		Path dir = Stores.freshDirectory(settings.workDir(), "kafka-replica");
		try (Varve replica = Varve.builder().path(dir).replica().open();
				KafkaReplica feed = KafkaReplica.builder(replica)
					.topic(topic)
					.consumerProperties(Map.of("bootstrap.servers", servers, "group.id",
							"bench-" + round + "-" + System.nanoTime()))
					.build()) {
			long start = System.nanoTime();
			feed.start();
			if (!feed.awaitPosition(events, Duration.ofMinutes(10))) {
				throw new IllegalStateException("The replica stopped at " + feed.status());
			}
			return new Measurement(events, System.nanoTime() - start, Latencies.none());
		}
		finally {
			Stores.delete(dir);
		}
	}

	private static Measurement appendLocally(Settings settings, long events) {
		Path dir = Stores.freshDirectory(settings.workDir(), "kafka-local");
		try (Varve local = Varve.builder().path(dir).eventTypes(ItemAdded.class).open()) {
			long start = System.nanoTime();
			Stores.fill(local, events, APPEND_BATCH, STREAMS, 0);
			return new Measurement(events, System.nanoTime() - start, Latencies.none());
		}
		finally {
			Stores.delete(dir);
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}

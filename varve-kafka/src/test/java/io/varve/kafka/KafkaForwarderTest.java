package io.varve.kafka;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.smile.SmileMapper;

import io.varve.EventData;
import io.varve.EventType;
import io.varve.ExpectedVersion;
import io.varve.RecordedEvent;
import io.varve.Varve;
import io.varve.processor.ErrorPolicy;
import io.varve.processor.ProcessorState;

import static org.assertj.core.api.Assertions.assertThat;

/** The forwarder against a real broker: order, headers, formats, acknowledgement. */
class KafkaForwarderTest extends BrokerTests {

	@EventType("Deposited")
	record Deposited(String account, long amount) {
	}

	@Test
	void forwardsEveryEventWithItsStreamAsKeyInStreamOrderAndWithItsHeaders() throws Exception {
		broker.createTopic("accounts", 3);
		broker.createTopic("other", 1);
		try (Varve varve = Varve.builder().path(this.dir).eventTypes(Deposited.class).open();
				KafkaForwarder forwarder = KafkaForwarder.builder("to-kafka")
					.producerProperties(broker.clientProperties())
					.topic("other")
					.topic("account", "accounts")
					.build()
					.register(varve)) {
			UUID correlation = UUID.randomUUID();
			for (int i = 0; i < 300; i++) {
				String stream = "account-" + (i % 7);
				varve.append(stream, ExpectedVersion.any(),
						EventData.of(new Deposited(stream, i))
							.withCorrelationId(correlation)
							.withMetadata(Map.of("user", "u" + i)));
			}
			varve.append("audit-1", ExpectedVersion.any(), new Deposited("x", 1));
			varve.processors().start("to-kafka");
			varve.processors().awaitProcessed("to-kafka", varve.headPosition(), Duration.ofSeconds(60));

			List<ConsumerRecord<byte[], byte[]>> records = broker.readAll("accounts", 300, Duration.ofSeconds(30));
			assertThat(records).hasSize(300);
			Map<String, List<Long>> versions = new HashMap<>();
			SmileMapper smile = SmileMapper.builder().build();
			for (ConsumerRecord<byte[], byte[]> record : records) {
				String stream = new String(record.key(), StandardCharsets.UTF_8);
				long version = ByteBuffer.wrap(record.headers().lastHeader(ForwardedHeaders.STREAM_VERSION).value())
					.getLong();
				versions.computeIfAbsent(stream, (s) -> new ArrayList<>()).add(version);
				RecordedEvent stored = varve.readEvent(ForwardedHeaders.position(record)).orElseThrow();
				assertThat(stored.stream()).isEqualTo(stream);
				assertThat(stored.version()).isEqualTo(version);
				assertThat(ForwardedHeaders.uuid(record.headers().lastHeader(ForwardedHeaders.EVENT_ID).value()))
					.isEqualTo(stored.id());
				assertThat(ForwardedHeaders.uuid(record.headers().lastHeader(ForwardedHeaders.CORRELATION_ID).value()))
					.isEqualTo(correlation);
				assertThat(
						new String(record.headers().lastHeader(ForwardedHeaders.TYPE).value(), StandardCharsets.UTF_8))
					.isEqualTo("Deposited");
				assertThat(ByteBuffer.wrap(record.headers().lastHeader(ForwardedHeaders.TIMESTAMP).value()).getLong())
					.isEqualTo(stored.timestampMicros());
				assertThat(record.value()).isEqualTo(stored.rawData());
				assertThat(smile.readTree(record.headers().lastHeader(ForwardedHeaders.METADATA).value())
					.get("user")
					.asString()).isEqualTo(stored.metadata().get("user"));
				assertThat(record.headers().lastHeader(ForwardedHeaders.SCHEMA_VERSION)).isNull();
			}
			// Each stream's events arrive in version order, in one partition.
			versions.values().forEach((list) -> assertThat(list).isSorted().doesNotHaveDuplicates());
			assertThat(versions).hasSize(7);
			assertThat(broker.readAll("other", 1, Duration.ofSeconds(10))).hasSize(1);
			assertThat(forwarder.acknowledged()).isEqualTo(301);
		}
	}

	@Test
	void convertsPayloadsToJsonWithoutTheApplicationsClasses() throws Exception {
		broker.createTopic("json-events", 1);
		try (Varve writer = Varve.builder().path(this.dir).eventTypes(Deposited.class).open()) {
			writer.append("account-1", ExpectedVersion.noStream(), new Deposited("account-1", 42));
		}
		// Opened without the event class: the forwarder needs none.
		try (Varve varve = Varve.open(this.dir);
				KafkaForwarder forwarder = KafkaForwarder.builder("json")
					.producerProperties(broker.clientProperties())
					.topic("json-events")
					.format(ValueFormat.JSON)
					.build()
					.register(varve)) {
			varve.processors().start("json");
			varve.processors().awaitProcessed("json", varve.headPosition(), Duration.ofSeconds(60));
			ConsumerRecord<byte[], byte[]> record = broker.readAll("json-events", 1, Duration.ofSeconds(30)).get(0);
			assertThat(JsonMapper.builder().build().readTree(record.value()).get("amount").asLong()).isEqualTo(42);
			assertThat(new String(record.headers().lastHeader(ForwardedHeaders.CONTENT_TYPE).value(),
					StandardCharsets.UTF_8))
				.isEqualTo("application/json");
		}
	}

	@EventType("Note")
	record Note(String text) {
	}

	@Test
	void aRecordKafkaRefusesIsParkedUnderParkAndTheRestGoesThroughInOrder() throws Exception {
		broker.createTopic("small-records", 1);
		try (Varve varve = Varve.builder().path(this.dir).eventTypes(Note.class).open();
				KafkaForwarder forwarder = KafkaForwarder.builder("small")
					.producerProperties(
							Map.of("bootstrap.servers", broker.bootstrapServers(), "max.request.size", 2000))
					.topic("small-records")
					.errorPolicy(ErrorPolicy.PARK)
					.retryPolicy(
							io.varve.processor.RetryPolicy.of(2, Duration.ofMillis(10), Duration.ofMillis(10), 1.0))
					.build()
					.register(varve)) {
			for (int i = 1; i <= 20; i++) {
				varve.append("note-" + (i % 3), ExpectedVersion.any(), new Note((i == 7) ? "x".repeat(5000) : "n" + i));
			}
			varve.processors().start("small");
			varve.processors().awaitProcessed("small", 20, Duration.ofSeconds(60));
			assertThat(varve.processors().parked("small")).extracting((parked) -> parked.position())
				.containsExactly(7L);
			ForwardedPositions positions = new ForwardedPositions();
			List<Long> delivered = broker.readToEnd("small-records")
				.stream()
				.filter(positions::firstDelivery)
				.map(ForwardedHeaders::position)
				.toList();
			assertThat(delivered).containsExactlyElementsOf(
					java.util.stream.LongStream.rangeClosed(1, 20).filter((p) -> p != 7).boxed().toList());
		}
	}

	@Test
	void theCheckpointNeverPassesWhatKafkaHasNotTakenWhileTheBrokerIsAwayAndCatchesUpAfter() throws Exception {
		broker.createTopic("outage", 2);
		try (Varve varve = Varve.builder().path(this.dir).eventTypes(Deposited.class).open();
				KafkaForwarder forwarder = KafkaForwarder.builder("outage")
					.producerProperties(Map.of("bootstrap.servers", broker.bootstrapServers(), "delivery.timeout.ms",
							3000, "request.timeout.ms", 1000, "max.block.ms", 1000))
					.topic("outage")
					.batchSize(100)
					.retryPolicy(io.varve.processor.RetryPolicy.of(1000, Duration.ofMillis(100), Duration.ofMillis(500),
							2.0))
					.build()
					.register(varve)) {
			for (int i = 0; i < 500; i++) {
				varve.append("account-" + (i % 5), ExpectedVersion.any(), new Deposited("a", i));
			}
			varve.processors().start("outage");
			varve.processors().awaitProcessed("outage", 500, Duration.ofSeconds(60));
			broker.stop();
			try {
				for (int i = 0; i < 500; i++) {
					varve.append("account-" + (i % 5), ExpectedVersion.any(), new Deposited("b", i));
				}
				// Batches fail and are sent again while the broker is away; the
				// checkpoint
				// stays at what Kafka took before it went.
				long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
				while (System.nanoTime() < deadline) {
					assertThat(varve.processors().status("outage").checkpoint()).isEqualTo(500);
					Thread.onSpinWait();
				}
				assertThat(varve.processors().status("outage").state()).isNotEqualTo(ProcessorState.FAILED);
				assertThat(varve.processors().status("outage").errors()).isPositive();
			}
			finally {
				broker.start();
			}
			varve.processors().awaitProcessed("outage", 1000, Duration.ofSeconds(90));
			List<ConsumerRecord<byte[], byte[]>> records = broker.readAll("outage", 1000, Duration.ofSeconds(30));
			ForwardedPositions positions = new ForwardedPositions();
			List<Long> delivered = new ArrayList<>();
			for (ConsumerRecord<byte[], byte[]> record : records) {
				if (positions.firstDelivery(record)) {
					delivered.add(ForwardedHeaders.position(record));
				}
			}
			assertThat(delivered).hasSize(1000);
			assertThat(delivered.stream().sorted().toList())
				.isEqualTo(java.util.stream.LongStream.rangeClosed(1, 1000).boxed().toList());
		}
	}

}

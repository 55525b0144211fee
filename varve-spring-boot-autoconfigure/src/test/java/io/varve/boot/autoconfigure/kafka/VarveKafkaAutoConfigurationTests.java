package io.varve.boot.autoconfigure.kafka;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

import io.varve.ExpectedVersion;
import io.varve.InvalidArgumentException;
import io.varve.ReadOnlyStoreException;
import io.varve.Varve;
import io.varve.boot.autoconfigure.VarveAutoConfiguration;
import io.varve.boot.autoconfigure.processor.VarveProcessorAutoConfiguration;
import io.varve.boot.kafka.ForwardedRecordFilter;
import io.varve.boot.kafka.VarveKafka;
import io.varve.boot.kafka.VarveReplicaHealthIndicator;
import io.varve.kafka.ForwardedHeaders;
import io.varve.kafka.KafkaForwarder;
import io.varve.processor.ProcessorRegistry;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The starter's Kafka support against a real in-process broker: a forwarder from
 * properties, a replica application fed by it, their health and metrics, backing off
 * without varve-kafka.
 */
class VarveKafkaAutoConfigurationTests {

	static EmbeddedKafkaKraftBroker broker;

	@TempDir
	Path dir;

	record Noted(String text) {
	}

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(VarveAutoConfiguration.class, VarveProcessorAutoConfiguration.class,
				KafkaAutoConfiguration.class, VarveKafkaAutoConfiguration.class, MetricsAutoConfiguration.class,
				SimpleMetricsExportAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class));

	@BeforeAll
	static void startBroker() throws IOException {
		// The broker and clients log every setting at INFO: keep the build's output
		// readable.
		for (String name : List.of("org.apache.kafka", "kafka", "org.springframework.kafka")) {
			((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(name))
				.setLevel(ch.qos.logback.classic.Level.WARN);
		}
		broker = new EmbeddedKafkaKraftBroker(1, 1);
		try (ServerSocket socket = new ServerSocket(0)) {
			broker.kafkaPorts(socket.getLocalPort());
		}
		broker.afterPropertiesSet();
		broker.addTopics(new NewTopic("log", 1, (short) 1));
	}

	@AfterAll
	static void stopBroker() {
		broker.destroy();
	}

	@Test
	void aForwarderFromPropertiesFeedsAReplicaApplicationWithItsHealthAndMetrics() {
		Path source = this.dir.resolve("source");
		Path replica = this.dir.resolve("replica");
		this.runner
			.withPropertyValues("varve.path=" + source, "spring.kafka.bootstrap-servers=" + broker.getBrokersAsString(),
					"varve.kafka.forwarders.log.topic=log", "varve.kafka.forwarders.log.batch-size=50")
			.run((writer) -> {
				Varve varve = writer.getBean(Varve.class);
				for (int i = 0; i < 120; i++) {
					varve.append("note-" + (i % 4), ExpectedVersion.any(), new Noted("n" + i));
				}
				assertThat(writer.getBean(VarveKafka.class).forwarders()).extracting(KafkaForwarder::name)
					.containsExactly("log");
				writer.getBean(ProcessorRegistry.class).awaitProcessed("log", 120, Duration.ofSeconds(60));
				assertThat(writer.getBean(ProcessorRegistry.class).status("log").lag()).isZero();

				this.runner
					.withPropertyValues("varve.path=" + replica,
							"spring.kafka.bootstrap-servers=" + broker.getBrokersAsString(),
							"varve.kafka.replica.enabled=true", "varve.kafka.replica.topic=log")
					.run((reader) -> {
						Varve copy = reader.getBean(Varve.class);
						VarveKafka kafka = reader.getBean(VarveKafka.class);
						assertThat(kafka.replica().orElseThrow().awaitPosition(120, Duration.ofSeconds(60))).isTrue();
						assertThat(copy.readAll(1, 1000)).extracting((event) -> List.of(event.id(), event.stream()))
							.isEqualTo(varve.readAll(1, 1000)
								.stream()
								.map((event) -> List.of(event.id(), event.stream()))
								.toList());
						org.assertj.core.api.Assertions.assertThatExceptionOfType(ReadOnlyStoreException.class)
							.isThrownBy(() -> copy.append("note-1", ExpectedVersion.any(), new Noted("x")));
						Health health = reader.getBean(VarveReplicaHealthIndicator.class).health(true);
						assertThat(health.getStatus()).isEqualTo(Status.UP);
						assertThat(health.getDetails()).containsEntry("appliedPosition", 120L)
							.containsEntry("topic", "log");
						MeterRegistry meters = reader.getBean(MeterRegistry.class);
						assertThat(meters.get("varve.replica.position").gauge().value()).isEqualTo(120.0);
						assertThat(meters.get("varve.replica.lag").gauge().value()).isGreaterThanOrEqualTo(0.0);
					});
			});
	}

	@Test
	void refusesAForwarderThatWouldNotWaitForEveryReplica() {
		this.runner
			.withPropertyValues("varve.path=" + this.dir,
					"spring.kafka.bootstrap-servers=" + broker.getBrokersAsString(),
					"varve.kafka.forwarders.log.topic=log", "spring.kafka.producer.acks=1")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidArgumentException.class)
				.hasMessageContaining("acks=all"));
	}

	@Test
	void backsOffWithoutVarveKafkaOrKafkaClients() {
		ApplicationContextRunner plain = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(VarveAutoConfiguration.class,
					VarveProcessorAutoConfiguration.class, VarveKafkaAutoConfiguration.class))
			.withPropertyValues("varve.path=" + this.dir, "varve.kafka.forwarders.log.topic=log");
		plain.withClassLoader(new FilteredClassLoader(KafkaForwarder.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(VarveKafka.class));
		plain.withClassLoader(new FilteredClassLoader("org.apache.kafka"))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(VarveKafka.class));
	}

	@Test
	void theRecordFilterDropsRedeliveriesAndPassesForeignRecords() {
		ForwardedRecordFilter filter = new ForwardedRecordFilter();
		assertThat(filter.filter(record(0, 5))).isFalse();
		assertThat(filter.filter(record(0, 7))).isFalse();
		assertThat(filter.filter(record(0, 6))).isTrue();
		assertThat(filter.filter(record(1, 6))).isFalse();
		assertThat(filter.filter(record(0, 7))).isTrue();
		assertThat(filter.filter(new ConsumerRecord<>("t", 0, 9, "k", "v"))).isFalse();
	}

	private static ConsumerRecord<Object, Object> record(int partition, long position) {
		RecordHeaders headers = new RecordHeaders();
		headers.add(ForwardedHeaders.POSITION, java.nio.ByteBuffer.allocate(8).putLong(position).array());
		return new ConsumerRecord<>("t", partition, position, 0L, TimestampType.CREATE_TIME, 0, 0, "k", "v", headers,
				java.util.Optional.empty());
	}

}

package io.varve.boot.autoconfigure.kafka;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

import io.varve.EventFilter;
import io.varve.Varve;
import io.varve.VarveBuilder;
import io.varve.boot.autoconfigure.VarveAutoConfiguration;
import io.varve.boot.autoconfigure.VarveBuilderCustomizer;
import io.varve.boot.autoconfigure.VarveProperties;
import io.varve.boot.kafka.VarveKafka;
import io.varve.boot.kafka.VarveReplicaHealthIndicator;
import io.varve.kafka.KafkaForwarder;
import io.varve.kafka.KafkaReplica;
import io.varve.kafka.ValueFormat;

/**
 * Kafka forwarders ({@code varve.kafka.forwarders.<name>.*}) and a replica fed from Kafka
 * ({@code varve.kafka.replica.*}), when varve-kafka is on the class path. Brokers and
 * client settings come from Spring Boot's {@code spring.kafka.*} (and its connection
 * details, so Testcontainers and Docker Compose services work as for any Kafka client).
 */
@AutoConfiguration(after = VarveAutoConfiguration.class,
		afterName = "org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration")
@ConditionalOnClass({ KafkaForwarder.class, KafkaProducer.class })
public final class VarveKafkaAutoConfiguration {

	/**
	 * Opens the store as a replica: its appends are refused, the replica feed writes it.
	 * @return the customizer
	 */
	@Bean
	@ConditionalOnProperty(name = "varve.kafka.replica.enabled", havingValue = "true")
	VarveBuilderCustomizer varveReplicaStore() {
		return VarveBuilder::replica;
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(Varve.class)
	VarveKafka varveKafka(Varve varve, VarveProperties properties, KafkaClientSettings clients) {
		VarveProperties.Kafka kafka = properties.getKafka();
		Map<KafkaForwarder, Boolean> forwarders = new LinkedHashMap<>();
		kafka.getForwarders().forEach((name, settings) -> {
			Map<String, Object> producer = new HashMap<>(clients.producer());
			producer.putAll(settings.getProducer());
			KafkaForwarder.Builder builder = KafkaForwarder.builder(name)
				.producerProperties(producer)
				.format((settings.getFormat() == VarveProperties.Forwarder.Format.JSON) ? ValueFormat.JSON
						: ValueFormat.SMILE)
				.batchSize(settings.getBatchSize())
				.errorPolicy(settings.getErrorPolicy());
			if (settings.getTopic() != null) {
				builder.topic(settings.getTopic());
			}
			settings.getTopics().forEach(builder::topic);
			if (!settings.getCategories().isEmpty()) {
				builder.filter(EventFilter.categories(settings.getCategories().toArray(String[]::new)));
			}
			forwarders.put(builder.build().register(varve), settings.isEnabled());
		});
		KafkaReplica replica = null;
		VarveProperties.Replica replicaSettings = kafka.getReplica();
		if (replicaSettings.isEnabled()) {
			Map<String, Object> consumer = new HashMap<>(clients.consumer());
			consumer.put(ConsumerConfig.GROUP_ID_CONFIG, (replicaSettings.getGroupId() != null)
					? replicaSettings.getGroupId() : "varve-replica-" + varve.path().toAbsolutePath().getFileName());
			consumer.putAll(replicaSettings.getConsumer());
			replica = KafkaReplica.builder(varve)
				.topic(replicaSettings.getTopic())
				.consumerProperties(consumer)
				.build();
		}
		return new VarveKafka(varve, forwarders, replica, properties.getProcessors().isEnabled());
	}

	/**
	 * Client settings from {@code spring.kafka.*} when Spring Boot's Kafka support is
	 * present.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(KafkaProperties.class)
	static class BootKafkaSettings {

		@Bean
		@ConditionalOnMissingBean
		KafkaClientSettings varveKafkaClientSettings(ObjectProvider<KafkaProperties> properties,
				ObjectProvider<KafkaConnectionDetails> connectionDetails, Environment environment) {
			KafkaProperties kafka = properties.getIfAvailable();
			if (kafka == null) {
				return KafkaClientSettings.from(environment);
			}
			Map<String, Object> producer = new HashMap<>(kafka.buildProducerProperties());
			Map<String, Object> consumer = new HashMap<>(kafka.buildConsumerProperties());
			KafkaConnectionDetails details = connectionDetails.getIfAvailable();
			if (details != null) {
				producer.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
						String.join(",", details.getProducer().getBootstrapServers()));
				consumer.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
						String.join(",", details.getConsumer().getBootstrapServers()));
			}
			return new KafkaClientSettings(producer, consumer);
		}

	}

	@Bean
	@ConditionalOnMissingBean
	KafkaClientSettings varveKafkaClientSettingsFromEnvironment(Environment environment) {
		return KafkaClientSettings.from(environment);
	}

	/** The replica feed's health, when the store is a replica fed from Kafka. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ AbstractHealthIndicator.class, ConditionalOnEnabledHealthIndicator.class })
	@ConditionalOnProperty(name = "varve.kafka.replica.enabled", havingValue = "true")
	static class ReplicaHealth {

		@Bean
		@ConditionalOnEnabledHealthIndicator("varveReplica")
		@ConditionalOnMissingBean(name = "varveReplicaHealthIndicator")
		VarveReplicaHealthIndicator varveReplicaHealthIndicator(VarveKafka kafka) {
			return new VarveReplicaHealthIndicator(kafka.replica().orElseThrow());
		}

	}

	/**
	 * {@code varve.replica.lag} (records of the log topic not applied yet) and
	 * {@code varve.replica.position} (the last position applied). Forwarders are
	 * processors: their lag is {@code varve.processor.lag}.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	@ConditionalOnProperty(name = "varve.kafka.replica.enabled", havingValue = "true")
	static class ReplicaMetrics {

		@Bean
		MeterBinder varveReplicaMeters(VarveKafka kafka) {
			return (registry) -> kafka.replica().ifPresent((replica) -> {
				Gauge.builder("varve.replica.lag", replica, (r) -> r.status().lag())
					.description("Records of the log topic the replica has not applied yet")
					.baseUnit("records")
					.tag("topic", replica.status().topic())
					.register(registry);
				Gauge.builder("varve.replica.position", replica, (r) -> r.status().appliedPosition())
					.description("The last global position the replica applied")
					.tag("topic", replica.status().topic())
					.register(registry);
			});
		}

	}

	/** Producer and consumer settings for Varve's Kafka clients. */
	record KafkaClientSettings(Map<String, Object> producer, Map<String, Object> consumer) {

		static KafkaClientSettings from(Environment environment) {
			String servers = environment.getProperty("spring.kafka.bootstrap-servers", "localhost:9092");
			return new KafkaClientSettings(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers),
					Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers));
		}

	}

}

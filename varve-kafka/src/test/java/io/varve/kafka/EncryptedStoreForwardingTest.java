package io.varve.kafka;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.varve.InvalidArgumentException;
import io.varve.Varve;
import io.varve.crypto.Encryption;
import io.varve.crypto.LocalKeyProvider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A forwarder sends payloads decrypted, so it refuses an encrypted store: Kafka would
 * keep in clear what forgetting a stream must make unreadable. No broker is needed: the
 * refusal comes before any connection.
 */
class EncryptedStoreForwardingTest {

	@TempDir
	Path dir;

	@Test
	void registeringWithAnEncryptedStoreIsRefusedAndRegistersNothing() {
		try (Varve varve = Varve.builder()
			.path(this.dir.resolve("store"))
			.encryption(Encryption.of(LocalKeyProvider.ofBase64(LocalKeyProvider.generateKey()),
					this.dir.resolve("keys.log")))
			.open();
				KafkaForwarder forwarder = KafkaForwarder.builder("to-kafka")
					.producerProperties(Map.of("bootstrap.servers", "localhost:1"))
					.topic("events")
					.build()) {
			assertThatExceptionOfType(InvalidArgumentException.class).isThrownBy(() -> forwarder.register(varve))
				.withMessageContaining("encrypted store")
				.withMessageContaining("Varve.forget");
			assertThat(varve.processors().names()).doesNotContain("to-kafka");
		}
	}

}

package io.varve.kafka;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import io.varve.EventData;
import io.varve.EventType;
import io.varve.ExpectedVersion;
import io.varve.InvalidArgumentException;
import io.varve.ReadOnlyStoreException;
import io.varve.RecordedEvent;
import io.varve.ReplicatedEvent;
import io.varve.Replication;
import io.varve.ReplicationException;
import io.varve.StreamAppend;
import io.varve.Varve;
import io.varve.processor.ProcessorDefinition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** A replica fed from a forwarder's log topic on a real broker equals its source. */
class KafkaReplicaTest extends BrokerTests {

	@EventType("Opened")
	record Opened(String owner) {
	}

	@EventType(value = "Deposited", version = 2)
	record Deposited(long amount, String currency) {
	}

	@Test
	void aReplicaFromTheLogTopicEqualsItsSourceAndCatchesUpAfterItsOwnRestart() throws Exception {
		broker.createTopic("log", 1);
		Path source = this.dir.resolve("source");
		Path replicaDir = this.dir.resolve("replica");
		try (Varve varve = Varve.builder().path(source).eventTypes(Opened.class, Deposited.class).open();
				KafkaForwarder forwarder = KafkaForwarder.builder("log")
					.producerProperties(broker.clientProperties())
					.topic("log")
					.batchSize(97)
					.build()
					.register(varve)) {
			writeSome(varve, 0, 400);
			varve.processors().start("log");

			AtomicLong seenByReplicaProcessor = new AtomicLong();
			try (Varve replica = Varve.builder()
				.path(replicaDir)
				.eventTypes(Opened.class, Deposited.class)
				.replica()
				.open();
					KafkaReplica feed = KafkaReplica.builder(replica)
						.consumerProperties(broker.clientProperties())
						.topic("log")
						.build()) {
				replica.processors()
					.register(ProcessorDefinition.builder("count")
						.handler((event, context) -> seenByReplicaProcessor.incrementAndGet())
						.build());
				replica.processors().start("count");
				feed.start();
				assertThat(feed.awaitPosition(varve.headPosition(), Duration.ofSeconds(60))).isTrue();
				assertSameLog(varve, replica);
				replica.processors().awaitProcessed("count", varve.headPosition(), Duration.ofSeconds(30));
				assertThat(seenByReplicaProcessor.get()).isEqualTo(varve.headPosition());
				assertThatExceptionOfType(ReadOnlyStoreException.class)
					.isThrownBy(() -> replica.append("account-1", ExpectedVersion.any(), new Opened("x")))
					.withMessageContaining("replica");
				assertThat(feed.status().state()).isEqualTo(KafkaReplica.State.RUNNING);
				assertThat(feed.status().appliedPosition()).isEqualTo(varve.headPosition());
			}
			// The replica is down while the source goes on; the forwarder resends part of
			// the log as well (a reset to an earlier position: the duplicates of a
			// crash).
			writeSome(varve, 400, 300);
			varve.processors().awaitProcessed("log", varve.headPosition(), Duration.ofSeconds(60));
			varve.processors().stop("log");
			varve.processors().reset("log", 250);
			varve.processors().start("log");
			writeSome(varve, 700, 50);
			varve.processors().awaitProcessed("log", varve.headPosition(), Duration.ofSeconds(60));

			try (Varve replica = Varve.builder().path(replicaDir).replica().open();
					KafkaReplica feed = KafkaReplica.builder(replica)
						.consumerProperties(broker.clientProperties())
						.topic("log")
						.build()
						.start()) {
				assertThat(feed.awaitPosition(varve.headPosition(), Duration.ofSeconds(60))).isTrue();
				assertSameLog(varve, replica);
			}
		}
	}

	@Test
	void replicationRefusesGapsForeignEventsAndAppendsAndSkipsExactRedeliveries() {
		try (Varve replica = Varve.builder().path(this.dir.resolve("r")).replica().open();
				Varve plain = Varve.open(this.dir.resolve("p"))) {
			assertThatExceptionOfType(InvalidArgumentException.class).isThrownBy(() -> Replication.of(plain))
				.withMessageContaining("replica()");
			Replication replication = Replication.of(replica);
			ReplicatedEvent first = event(1, "a-1", 1);
			assertThat(replication.apply(List.of(first))).isEqualTo(1);
			// Redelivered as it is: nothing changes.
			assertThat(replication.apply(List.of(first, event(2, "a-1", 2)))).isEqualTo(2);
			assertThatExceptionOfType(ReplicationException.class)
				.isThrownBy(() -> replication.apply(List.of(event(4, "a-1", 3))))
				.withMessageContaining("missing");
			assertThatExceptionOfType(ReplicationException.class)
				.isThrownBy(() -> replication.apply(List.of(event(3, "a-1", 5))))
				.withMessageContaining("version");
			assertThatExceptionOfType(ReplicationException.class)
				.isThrownBy(() -> replication.apply(List.of(event(2, "a-2", 1))))
				.withMessageContaining("different event");
			// A refused call stores nothing of itself.
			assertThatExceptionOfType(ReplicationException.class)
				.isThrownBy(() -> replication.apply(List.of(event(3, "b-1", 1), event(5, "b-1", 2))));
			assertThat(replica.headPosition()).isEqualTo(2);
			assertThat(replica.streamInfo("b-1")).isEmpty();
		}
	}

	private static ReplicatedEvent event(long position, String stream, long version) {
		UUID id = new UUID(position, version * 31 + stream.hashCode());
		return new ReplicatedEvent(position, stream, version, id, "T", 1, 1_700_000_000_000_000L + position, null, null,
				null, new byte[] { ':', ')', '\n', 1, (byte) 0xfa, (byte) 0xfb });
	}

	private static void writeSome(Varve varve, int from, int count) {
		for (int i = from; i < from + count; i++) {
			String stream = "account-" + (i % 13);
			if (i % 10 == 0) {
				varve.transaction(
						StreamAppend.of(stream, ExpectedVersion.any(),
								EventData.of(new Deposited(i, "EUR")).withCausationId(UUID.randomUUID())),
						StreamAppend.of("ledger-" + (i % 3), ExpectedVersion.any(), new Opened("o" + i)));
			}
			else {
				varve.append(stream, ExpectedVersion.any(),
						EventData.of(new Deposited(i, "SEK"))
							.withCorrelationId(UUID.randomUUID())
							.withMetadata(Map.of("i", i)));
			}
		}
	}

	private static void assertSameLog(Varve source, Varve replica) {
		assertThat(replica.headPosition()).isEqualTo(source.headPosition());
		assertThat(replica.streamCount()).isEqualTo(source.streamCount());
		List<RecordedEvent> expected = source.readAll(1, Integer.MAX_VALUE);
		List<RecordedEvent> actual = replica.readAll(1, Integer.MAX_VALUE);
		assertThat(actual).hasSameSizeAs(expected);
		for (int i = 0; i < expected.size(); i++) {
			// The whole stored envelope, checksum included: positions, versions, ids,
			// timestamps, metadata and payload bytes.
			assertThat(actual.get(i).envelope()).as("envelope at %d", expected.get(i).position())
				.isEqualTo(expected.get(i).envelope());
		}
		for (var info : source.listStreams("", null, 1000)) {
			assertThat(replica.streamInfo(info.stream())).hasValueSatisfying((copy) -> {
				assertThat(copy.version()).isEqualTo(info.version());
				assertThat(replica.readStream(info.stream(), 1, 10_000).stream().map(RecordedEvent::position))
					.isEqualTo(
							source.readStream(info.stream(), 1, 10_000).stream().map(RecordedEvent::position).toList());
			});
		}
	}

}

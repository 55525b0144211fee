package io.varve.kafka;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import io.varve.EventType;
import io.varve.ExpectedVersion;
import io.varve.Varve;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SIGKILL of the forwarding process at random moments: the consumer sees every event, the
 * duplicates are only the ends of batches sent again from a checkpoint, and the position
 * filter removes them all.
 */
class ForwarderCrashTest extends BrokerTests {

	static final int EVENTS = Integer.getInteger("varve.kafka.crash.events", 20_000);

	static final int KILLS = Integer.getInteger("varve.kafka.crash.kills", 6);

	static final int BATCH = 500;

	/** The current child's standard error. */
	private Path log;

	@EventType("Tick")
	public record Tick(long n, String padding) {
	}

	@Test
	void everyEventArrivesAndThePositionFilterRemovesEveryDuplicateAfterKills() throws Exception {
		broker.createTopic("crash", 4);
		Path store = this.dir.resolve("store");
		Random random = new Random(Long.getLong("varve.kafka.crash.seed", System.nanoTime()));
		int kills = 0;
		while (true) {
			Process child = start(store, BATCH);
			boolean lastRound = kills >= KILLS;
			if (lastRound) {
				awaitLine(child, "forwarded", 120);
				child.destroyForcibly().waitFor();
				break;
			}
			// Kill it somewhere between start-up and well into forwarding.
			TimeUnit.MILLISECONDS.sleep(200 + random.nextInt(1200));
			child.destroyForcibly().waitFor();
			kills++;
		}
		List<ConsumerRecord<byte[], byte[]>> records = broker.readToEnd("crash");
		ForwardedPositions filter = new ForwardedPositions();
		BitSet delivered = new BitSet();
		Map<Integer, Long> lastOnPartition = new HashMap<>();
		int duplicates = 0;
		for (ConsumerRecord<byte[], byte[]> record : records) {
			long position = ForwardedHeaders.position(record);
			if (filter.firstDelivery(record)) {
				assertThat(delivered.get((int) position)).as("position %d passed the filter twice", position).isFalse();
				delivered.set((int) position);
				lastOnPartition.put(record.partition(), position);
			}
			else {
				duplicates++;
			}
		}
		assertThat(delivered.cardinality()).as("events delivered after %d kills", kills).isEqualTo(EVENTS);
		assertThat(delivered.nextClearBit(1)).isEqualTo(EVENTS + 1);
		// Only what was sent after a checkpoint and before a kill comes twice: at most
		// a few batches per kill (the producer may hold one while the next is read).
		assertThat(duplicates).isLessThanOrEqualTo(kills * BATCH * 3);
		System.out.printf("forwarder crash test: %d kills, %d records, %d duplicates removed%n", kills, records.size(),
				duplicates);
	}

	/** Reads the child's output until a line, or fails with its log after a timeout. */
	private void awaitLine(Process process, String expected, int seconds) throws IOException, InterruptedException {
		InputStream out = process.getInputStream();
		StringBuilder seen = new StringBuilder();
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
		while (!seen.toString().contains(expected)) {
			if (System.nanoTime() > deadline || !process.isAlive()) {
				process.destroyForcibly();
				throw new IllegalStateException("Forwarding process did not print '" + expected + "' within " + seconds
						+ " s: " + seen + "\n" + Files.readString(this.log));
			}
			if (out.available() > 0) {
				seen.append((char) out.read());
			}
			else {
				TimeUnit.MILLISECONDS.sleep(10);
			}
		}
	}

	private Process start(Path store, int batch) throws IOException, InterruptedException {
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		this.log = Files.createTempFile(this.dir, "child", ".log");
		Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
				ForwarderProcessMain.class.getName(), store.toString(), broker.bootstrapServers(), "crash",
				Integer.toString(batch), Integer.toString(EVENTS))
			.redirectError(this.log.toFile())
			.start();
		awaitLine(process, "started", 60);
		return process;
	}

}

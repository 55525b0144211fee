package io.varve.kafka;

import java.nio.file.Path;
import java.util.Map;

import io.varve.Varve;

/**
 * A forwarding process for {@link ForwarderCrashTest}: opens a store, forwards its log to
 * a topic while it appends, until it is killed. Prints {@code started} once its processor
 * runs and {@code forwarded} once every event is.
 */
public final class ForwarderProcessMain {

	private ForwarderProcessMain() {
	}

	public static void main(String[] args) throws Exception {
		Varve varve = Varve.builder().path(Path.of(args[0])).eventTypes(ForwarderCrashTest.Tick.class).open();
		KafkaForwarder forwarder = KafkaForwarder.builder("crash")
			.producerProperties(Map.of("bootstrap.servers", args[1]))
			.topic(args[2])
			.batchSize(Integer.parseInt(args[3]))
			.build()
			.register(varve);
		varve.processors().start("crash");
		System.out.println("started");
		System.out.flush();
		// The application goes on appending while it forwards, until the test's total.
		long total = Long.parseLong(args[4]);
		long n = varve.headPosition();
		while (n < total) {
			Object[] ticks = new Object[100];
			for (int i = 0; i < ticks.length; i++) {
				ticks[i] = new ForwarderCrashTest.Tick(n + i, "x".repeat(100));
			}
			n = varve.append("tick-" + (n / 100 % 17), io.varve.ExpectedVersion.any(), ticks).lastPosition();
			Thread.sleep(2);
		}
		varve.processors().awaitProcessed("crash", total, java.time.Duration.ofMinutes(2));
		System.out.println("forwarded");
		System.out.flush();
		Thread.sleep(Long.MAX_VALUE);
		forwarder.close();
	}

}

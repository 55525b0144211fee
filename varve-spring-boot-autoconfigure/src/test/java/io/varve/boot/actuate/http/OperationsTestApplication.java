package io.varve.boot.actuate.http;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

import io.varve.RecordedEvent;
import io.varve.boot.VarveHandler;
import io.varve.boot.VarveProcessor;
import io.varve.boot.actuate.MutableClock;
import io.varve.boot.autoconfigure.VarveBuilderCustomizer;
import io.varve.processor.ErrorPolicy;

/**
 * The application the HTTP tests run: the starter, actuator and web, with three
 * processors the tests control.
 * <ul>
 * <li>{@code ledger} (category {@code account}) stops inside its handler, before it
 * commits, once its {@link Gate} is armed;</li>
 * <li>{@code mailer} (STOP policy, one attempt) fails on {@link Poison} while it is
 * broken;</li>
 * <li>{@code picky} (PARK policy, one attempt) parks {@link Poison} while it is
 * picky.</li>
 * </ul>
 * The store's clock is a {@link MutableClock} that only the tests move, so that times and
 * ages in responses are exact.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import({ OperationsTestApplication.Ledger.class, OperationsTestApplication.Mailer.class,
		OperationsTestApplication.Picky.class, OperationsTestApplication.Gate.class })
public class OperationsTestApplication {

	@Bean
	MutableClock varveClock() {
		return new MutableClock();
	}

	@Bean
	VarveBuilderCustomizer varveClockCustomizer(MutableClock varveClock) {
		return (builder) -> builder.clock(varveClock);
	}

	/** Test events: their payload carries a note the tests look for in responses. */
	public record Deposited(long amount, String note) {
	}

	public record Poison(String note) {
	}

	/** Holds the ledger's handler at the first event after a position, until released. */
	public static class Gate {

		private volatile long blockAfter = Long.MAX_VALUE;

		private final CountDownLatch blocked = new CountDownLatch(1);

		private final CountDownLatch released = new CountDownLatch(1);

		public void armAfter(long position) {
			this.blockAfter = position;
		}

		public boolean awaitBlocked() throws InterruptedException {
			return this.blocked.await(20, TimeUnit.SECONDS);
		}

		public void release() {
			this.released.countDown();
		}

		void pass(long position) throws InterruptedException {
			if (position > this.blockAfter) {
				this.blocked.countDown();
				this.released.await();
			}
		}

	}

	@VarveProcessor(name = "ledger", categories = "account")
	public static class Ledger {

		private final Gate gate;

		public Ledger(Gate gate) {
			this.gate = gate;
		}

		@VarveHandler
		void on(Deposited deposited, RecordedEvent event) throws InterruptedException {
			this.gate.pass(event.position());
		}

	}

	@VarveProcessor(name = "mailer", maxAttempts = 1)
	public static class Mailer {

		public volatile boolean broken = true;

		@VarveHandler
		void on(Deposited deposited) {
		}

		@VarveHandler
		void on(Poison poison) {
			if (this.broken) {
				throw new IllegalStateException("SMTP server refused the message");
			}
		}

	}

	@VarveProcessor(name = "picky", errorPolicy = ErrorPolicy.PARK, maxAttempts = 1)
	public static class Picky {

		public volatile boolean picky = true;

		@VarveHandler
		void on(Deposited deposited) {
		}

		@VarveHandler
		void on(Poison poison) {
			if (this.picky) {
				throw new IllegalArgumentException("poison is not accepted here");
			}
		}

	}

}

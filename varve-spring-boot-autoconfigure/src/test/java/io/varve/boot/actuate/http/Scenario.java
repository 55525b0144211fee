package io.varve.boot.actuate.http;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import io.varve.EventData;
import io.varve.ExpectedVersion;
import io.varve.Varve;
import io.varve.WrongExpectedVersionException;
import io.varve.boot.actuate.MutableClock;
import io.varve.boot.actuate.http.OperationsTestApplication.Deposited;
import io.varve.boot.actuate.http.OperationsTestApplication.Gate;
import io.varve.boot.actuate.http.OperationsTestApplication.Poison;
import io.varve.processor.ProcessorFailedException;
import io.varve.processor.ProcessorRegistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The known sequence the HTTP tests check figures against. N = 10 events; the ledger
 * stops at M = 6 (lag 4), the mailer fails at 8 (checkpoint 7, lag 3), picky parks 8 and
 * reaches the head.
 *
 * <pre>
 * 1 account-1 Deposited       6 account-1 Deposited     (all three caught up here)
 * 2 account-1 Deposited       7 account-2 Deposited     (ledger stops inside its handler)
 * 3 account-2 Deposited       8 alerts-1  Poison        (mailer fails, picky parks)
 * 4 account-3 Deposited       9 account-3 Deposited
 * 5 audit/eu west/1 Deposited 10 account-1 Deposited
 * </pre>
 *
 * Every payload and metadata value carries {@link #MARKER}, which no response may show.
 * One more append fails its expected-version check (a conflict) and writes nothing.
 *
 * <p>
 * The store's clock moves one second before each event, so that event {@code n} was
 * committed {@code n} seconds after {@link MutableClock#START}, and {@link #LATER}
 * seconds after the last one: the ledger's oldest unhandled event (7) is then 33 seconds
 * old, the failed mailer's (8) 32.
 */
final class Scenario {

	static final String MARKER = "pAyLoAd-MaRkEr-5c1f";

	static final long HEAD = 10;

	static final long LEDGER_STOP = 6;

	static final String AWKWARD_STREAM = "audit/eu west/1";

	static final Duration WAIT = Duration.ofSeconds(20);

	/** Seconds the clock moves after the last event. */
	static final long LATER = 30;

	private Scenario() {
	}

	/** When the event at a position was committed. */
	static Instant committedAt(long position) {
		return MutableClock.START.plusSeconds(position);
	}

	static void run(Varve varve, ProcessorRegistry processors, Gate gate, MutableClock clock)
			throws InterruptedException {
		deposit(varve, clock, "account-1", 1);
		deposit(varve, clock, "account-1", 2);
		deposit(varve, clock, "account-2", 3);
		deposit(varve, clock, "account-3", 4);
		deposit(varve, clock, AWKWARD_STREAM, 5);
		deposit(varve, clock, "account-1", 6);
		for (String name : processors.names()) {
			processors.awaitProcessed(name, LEDGER_STOP, WAIT);
		}
		gate.armAfter(LEDGER_STOP);
		deposit(varve, clock, "account-2", 7);
		clock.advance(Duration.ofSeconds(1));
		assertThat(varve
			.append("alerts-1", ExpectedVersion.noStream(),
					EventData.of(new Poison(MARKER)).withMetadata(Map.of("note", MARKER)))
			.lastPosition()).isEqualTo(8);
		deposit(varve, clock, "account-3", 9);
		deposit(varve, clock, "account-1", 10);
		assertThatExceptionOfType(WrongExpectedVersionException.class)
			.isThrownBy(() -> varve.append("account-1", ExpectedVersion.noStream(), new Deposited(1, MARKER)));
		assertThat(gate.awaitBlocked()).isTrue();
		assertThatExceptionOfType(ProcessorFailedException.class)
			.isThrownBy(() -> processors.awaitProcessed("mailer", HEAD, WAIT));
		processors.awaitProcessed("picky", HEAD, WAIT);
		clock.advance(Duration.ofSeconds(LATER));
	}

	private static void deposit(Varve varve, MutableClock clock, String stream, long expectedPosition) {
		clock.advance(Duration.ofSeconds(1));
		EventData event = EventData.of(new Deposited(expectedPosition * 10, MARKER))
			.withMetadata(Map.of("note", MARKER));
		assertThat(varve.append(stream, ExpectedVersion.any(), event).lastPosition()).isEqualTo(expectedPosition);
	}

}

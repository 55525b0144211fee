package io.varve.processor;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import io.varve.InvalidArgumentException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The waits a retry policy computes: these are the waits a processor makes before it
 * tries a failed event again, and before it tries a failed commit again.
 */
class RetryPolicyTest {

	@Test
	void eachWaitGrowsByTheMultiplierUntilMaxBackoffCapsIt() {
		RetryPolicy policy = RetryPolicy.of(10, Duration.ofMillis(100), Duration.ofMillis(500), 2.0);
		List<Duration> waits = IntStream.rangeClosed(1, 6).mapToObj(policy::backoff).toList();
		assertThat(waits).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400),
				Duration.ofMillis(500), Duration.ofMillis(500), Duration.ofMillis(500));
	}

	@Test
	void aRetryFarBeyondTheCapStillWaitsMaxBackoff() {
		RetryPolicy policy = RetryPolicy.of(1000, Duration.ofSeconds(1), Duration.ofSeconds(30), 100.0);
		assertThat(policy.backoff(2)).isEqualTo(Duration.ofSeconds(30));
		// 100^999 seconds does not fit in a double: the cap still applies.
		assertThat(policy.backoff(1000)).isEqualTo(Duration.ofSeconds(30));
	}

	@Test
	void aMultiplierOfOneWaitsTheSameEveryTime() {
		RetryPolicy policy = RetryPolicy.of(5, Duration.ofMillis(250), Duration.ofSeconds(10), 1.0);
		assertThat(IntStream.rangeClosed(1, 4).mapToObj(policy::backoff)).containsOnly(Duration.ofMillis(250));
	}

	@Test
	void theDefaultsWaitAHundredThenTwoHundredMilliseconds() {
		RetryPolicy defaults = RetryPolicy.defaults();
		assertThat(defaults.maxAttempts()).isEqualTo(3);
		assertThat(defaults.backoff(1)).isEqualTo(Duration.ofMillis(100));
		assertThat(defaults.backoff(2)).isEqualTo(Duration.ofMillis(200));
		assertThat(RetryPolicy.none().backoff(1)).isEqualTo(Duration.ZERO);
	}

	@Test
	void aMaxBackoffShorterThanTheFirstWaitIsRefused() {
		assertThatExceptionOfType(InvalidArgumentException.class)
			.isThrownBy(() -> RetryPolicy.of(3, Duration.ofSeconds(2), Duration.ofSeconds(1), 2.0))
			.withMessage("Retry maxBackoff (PT1S) is shorter than initialBackoff (PT2S); make it at least as long");
	}

}

package io.varve.processor;

import java.time.Duration;

import io.varve.InvalidArgumentException;

/**
 * How often and how patiently a processor retries an event whose handler fails, before
 * its {@link ErrorPolicy} applies. The wait before retry {@code n} (1 for the first
 * retry) is {@code initialBackoff * multiplier^(n-1)}, capped at {@code maxBackoff}.
 *
 * <p>
 * The same waits, but at least 100 ms, space the tries of a commit that failed on storage
 * (see {@link ProcessorState#RETRYING}); those tries go on until one succeeds and are not
 * counted against any event's {@code maxAttempts}.
 *
 * <pre>{@code
 * RetryPolicy patient = RetryPolicy.of(5, Duration.ofMillis(200), Duration.ofSeconds(10), 2.0);
 * RetryPolicy once = RetryPolicy.none();
 * }</pre>
 *
 * @param maxAttempts total attempts at an event, 1 or more (1 means no retry)
 * @param initialBackoff the wait before the first retry
 * @param maxBackoff the longest wait
 * @param multiplier how much the wait grows per retry, 1.0 or more
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff, double multiplier) {

	/** Default attempts: the first and two retries. */
	public static final int DEFAULT_MAX_ATTEMPTS = 3;

	/** Default first wait. */
	public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(100);

	/** Default longest wait. */
	public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(10);

	/** Default growth per retry. */
	public static final double DEFAULT_MULTIPLIER = 2.0;

	private static final Duration MAX_WAIT = Duration.ofHours(1);

	public RetryPolicy {
		if (maxAttempts < 1 || maxAttempts > 1000) {
			throw new InvalidArgumentException(
					"Retry maxAttempts must be between 1 (no retry) and 1000, got " + maxAttempts);
		}
		checkWait("initialBackoff", initialBackoff);
		checkWait("maxBackoff", maxBackoff);
		if (maxBackoff.compareTo(initialBackoff) < 0) {
			throw new InvalidArgumentException("Retry maxBackoff (" + maxBackoff + ") is shorter than initialBackoff ("
					+ initialBackoff + "); make it at least as long");
		}
		if (!(multiplier >= 1.0 && multiplier <= 100.0)) {
			throw new InvalidArgumentException("Retry multiplier must be between 1.0 and 100.0, got " + multiplier);
		}
	}

	/**
	 * A policy.
	 * @param maxAttempts total attempts, 1 to 1000
	 * @param initialBackoff the first wait, zero to one hour
	 * @param maxBackoff the longest wait, at least the first
	 * @param multiplier growth per retry, 1.0 to 100.0
	 * @return the policy
	 */
	public static RetryPolicy of(int maxAttempts, Duration initialBackoff, Duration maxBackoff, double multiplier) {
		return new RetryPolicy(maxAttempts, initialBackoff, maxBackoff, multiplier);
	}

	/** Three attempts, waiting 100 ms, then 200 ms. */
	public static RetryPolicy defaults() {
		return new RetryPolicy(DEFAULT_MAX_ATTEMPTS, DEFAULT_INITIAL_BACKOFF, DEFAULT_MAX_BACKOFF, DEFAULT_MULTIPLIER);
	}

	/** One attempt: the error policy applies at the first failure. */
	public static RetryPolicy none() {
		return new RetryPolicy(1, Duration.ZERO, Duration.ZERO, 1.0);
	}

	/**
	 * The wait before a retry.
	 * @param retry the retry's number, 1 for the first
	 * @return the wait
	 */
	public Duration backoff(int retry) {
		double nanos = this.initialBackoff.toNanos() * Math.pow(this.multiplier, Math.max(0, retry - 1));
		long capped = (long) Math.min(nanos, this.maxBackoff.toNanos());
		return Duration.ofNanos(capped);
	}

	private static void checkWait(String what, Duration wait) {
		if (wait == null || wait.isNegative() || wait.compareTo(MAX_WAIT) > 0) {
			throw new InvalidArgumentException("Retry " + what + " must be between zero and one hour, got " + wait);
		}
	}

}

package io.varve;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * How long the events of a category's streams (or of one stream) are kept: events older
 * than {@code maxAge}, and events beyond the newest {@code maxCount} of each stream, are
 * deleted by a background task ({@link VarveBuilder#retention}), as
 * {@link Varve#truncateBefore} deletes them. A stream whose events all went keeps its
 * version and takes new appends.
 *
 * <pre>{@code
 * Varve.builder().path(dir)
 *     .retention("session", RetentionPolicy.maxAge(Duration.ofDays(30)))
 *     .retention("sensor", RetentionPolicy.maxCount(10_000))
 *     .open();
 * }</pre>
 *
 * @param maxAge events committed longer ago than this are deleted; null for no age limit
 * @param maxCount at most this many of each stream's newest events are kept; 0 for no
 * count limit
 */
public record RetentionPolicy(@Nullable Duration maxAge, long maxCount) {

	public RetentionPolicy {
		if (maxAge != null && (maxAge.isNegative() || maxAge.isZero())) {
			throw new InvalidArgumentException(
					"A retention's maximum age must be positive, got " + maxAge + "; leave it unset for no age limit");
		}
		if (maxCount < 0) {
			throw new InvalidArgumentException(
					"A retention's maximum count must be 1 or more (0 for no count limit), " + "got " + maxCount);
		}
		if (maxAge == null && maxCount == 0) {
			throw new InvalidArgumentException("A retention policy needs a maximum age, a maximum count or both");
		}
	}

	/**
	 * Keeps events for a while.
	 * @param maxAge how long
	 * @return the policy
	 */
	public static RetentionPolicy maxAge(Duration maxAge) {
		if (maxAge == null) {
			throw new InvalidArgumentException("A retention's maximum age must not be null");
		}
		return new RetentionPolicy(maxAge, 0);
	}

	/**
	 * Keeps each stream's newest events.
	 * @param maxCount how many, 1 or more
	 * @return the policy
	 */
	public static RetentionPolicy maxCount(long maxCount) {
		if (maxCount < 1) {
			throw new InvalidArgumentException("A retention's maximum count must be 1 or more, got " + maxCount);
		}
		return new RetentionPolicy(null, maxCount);
	}

	/**
	 * This policy with a maximum count as well.
	 * @param count how many of each stream's newest events to keep, 1 or more
	 * @return the policy
	 */
	public RetentionPolicy andMaxCount(long count) {
		return new RetentionPolicy(this.maxAge, maxCount(count).maxCount());
	}

	/**
	 * This policy with a maximum age as well.
	 * @param age how long to keep events
	 * @return the policy
	 */
	public RetentionPolicy andMaxAge(Duration age) {
		return new RetentionPolicy(maxAge(age).maxAge(), this.maxCount);
	}

}

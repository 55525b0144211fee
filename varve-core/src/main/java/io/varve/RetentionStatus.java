package io.varve;

import java.time.Instant;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * What the retention task has done ({@link Varve#retentionStatus()}).
 *
 * @param policies the policies, by category or stream name
 * @param running whether a pass is running now
 * @param passes how many passes finished since the store opened
 * @param lastPassStarted when the last pass started, or null before the first
 * @param lastPassFinished when the last finished pass ended, or null before the first
 * @param streamsExamined streams looked at since the store opened
 * @param eventsDeleted events deleted since the store opened
 * @param deletedInPass events deleted so far by the running pass, or by the last one
 * @param lastError why the last pass failed, or null when it did not
 */
public record RetentionStatus(Map<String, RetentionPolicy> policies, boolean running, long passes,
		@Nullable Instant lastPassStarted, @Nullable Instant lastPassFinished, long streamsExamined, long eventsDeleted,
		long deletedInPass, @Nullable String lastError) {

}

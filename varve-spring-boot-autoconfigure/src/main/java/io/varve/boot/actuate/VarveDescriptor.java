package io.varve.boot.actuate;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.OperationResponseBody;

import io.varve.RetentionStatus;
import io.varve.StoreInfo;

/**
 * The overview of a store returned by {@code GET /actuator/varve}: every figure comes
 * from one read snapshot, so they agree with each other (the lag of each processor is
 * exactly {@code headPosition - checkpoint}).
 *
 * @param headPosition position of the last event, 0 when the log is empty
 * @param streamCount number of streams
 * @param eventCount number of positions taken: the head position (positions of deleted
 * events stay taken)
 * @param storage the storage file's settings and sizes
 * @param processors every registered processor, in name order
 * @param snapshots the aggregate snapshots the store holds
 * @param retention what the retention task has done
 */
public record VarveDescriptor(long headPosition, long streamCount, long eventCount, StorageDescriptor storage,
		List<ProcessorDescriptor> processors, SnapshotsDescriptor snapshots,
		RetentionDescriptor retention) implements OperationResponseBody {

	/**
	 * The retention policies and the task's progress (see {@code varve.retention.*}).
	 *
	 * @param policies each policy by category or stream: {@code maxAge} (ISO-8601
	 * duration or null) and {@code maxCount} (0 for none)
	 * @param running whether a pass is running now
	 * @param passes passes finished since the store opened
	 * @param lastPassStarted when the last pass started, or null
	 * @param lastPassFinished when the last pass ended, or null
	 * @param streamsExamined streams looked at since the store opened
	 * @param eventsDeleted events deleted since the store opened
	 * @param deletedInPass events deleted by the running or last pass
	 * @param lastError why the last pass failed, or null
	 */
	public record RetentionDescriptor(Map<String, Map<String, Object>> policies, boolean running, long passes,
			@Nullable Instant lastPassStarted, @Nullable Instant lastPassFinished, long streamsExamined,
			long eventsDeleted, long deletedInPass, @Nullable String lastError) {

		static RetentionDescriptor of(RetentionStatus status) {
			Map<String, Map<String, Object>> policies = new TreeMap<>();
			status.policies().forEach((name, policy) -> {
				Map<String, Object> described = new LinkedHashMap<>();
				described.put("maxAge", (policy.maxAge() != null) ? policy.maxAge().toString() : null);
				described.put("maxCount", policy.maxCount());
				policies.put(name, described);
			});
			return new RetentionDescriptor(policies, status.running(), status.passes(), status.lastPassStarted(),
					status.lastPassFinished(), status.streamsExamined(), status.eventsDeleted(), status.deletedInPass(),
					status.lastError());
		}

	}

	/**
	 * The aggregate snapshots in the store (see {@code AggregateRepository}).
	 *
	 * @param count how many snapshots the store holds
	 * @param bytes the space their table takes
	 */
	public record SnapshotsDescriptor(long count, long bytes) {

	}

	/**
	 * The storage file: where it is, how it syncs and how full it is.
	 *
	 * @param path the store directory
	 * @param durability the sync policy
	 * @param readOnly whether the store was opened read-only
	 * @param mapSize the current map size in bytes; the map grows when it fills
	 * @param maxMapSize the largest the map may grow to, in bytes
	 * @param usedBytes bytes in use in the data file
	 * @param mapUsage share of the current map in use, from 0 to 1
	 * @param capacityUsage share of the maximum map size in use, from 0 to 1: how close
	 * the store is to full
	 */
	public record StorageDescriptor(String path, String durability, boolean readOnly, long mapSize, long maxMapSize,
			long usedBytes, double mapUsage, double capacityUsage) {

		static StorageDescriptor of(StoreInfo info) {
			return new StorageDescriptor(String.valueOf(info.path()), info.durability().name(), info.readOnly(),
					info.mapSize(), info.maxMapSize(), info.usedBytes(), info.mapUsage(), info.capacityUsage());
		}

	}

}

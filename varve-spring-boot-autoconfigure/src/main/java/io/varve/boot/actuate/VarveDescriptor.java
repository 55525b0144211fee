package io.varve.boot.actuate;

import java.util.List;

import org.springframework.boot.actuate.endpoint.OperationResponseBody;

import io.varve.StoreInfo;

/**
 * The overview of a store returned by {@code GET /actuator/varve}: every figure comes
 * from one read snapshot, so they agree with each other (the lag of each processor is
 * exactly {@code headPosition - checkpoint}).
 *
 * @param headPosition position of the last event, 0 when the log is empty
 * @param streamCount number of streams
 * @param eventCount number of events; equal to the head position, because positions are
 * gapless
 * @param storage the storage file's settings and sizes
 * @param processors every registered processor, in name order
 * @param snapshots the aggregate snapshots the store holds
 */
public record VarveDescriptor(long headPosition, long streamCount, long eventCount, StorageDescriptor storage,
		List<ProcessorDescriptor> processors, SnapshotsDescriptor snapshots) implements OperationResponseBody {

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

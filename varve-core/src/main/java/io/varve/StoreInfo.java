package io.varve;

import java.nio.file.Path;

import org.jspecify.annotations.Nullable;

/**
 * Settings and storage figures of an open store.
 *
 * @param path the store directory
 * @param durability the sync policy
 * @param readOnly whether the store was opened read-only
 * @param mapSize the current map size in bytes (the file may be smaller)
 * @param maxMapSize the largest the map may grow to
 * @param usedBytes bytes in use in the data file
 * @param maxEventSize the largest encoded event accepted
 * @param maxReaders the reader slot limit
 * @param readers reader slots in use, across processes
 * @param writeFailure why appends fail until the store is opened again (its writer thread
 * stopped on an unexpected error), or null while it takes appends
 */
public record StoreInfo(Path path, Durability durability, boolean readOnly, long mapSize, long maxMapSize,
		long usedBytes, int maxEventSize, int maxReaders, int readers, @Nullable String writeFailure) {

	/** Share of the current map in use, from 0 to 1. The map grows when it fills. */
	public double mapUsage() {
		return (this.mapSize > 0) ? (double) this.usedBytes / this.mapSize : 0;
	}

	/**
	 * Share of the maximum map size in use, from 0 to 1: how close the store is to full.
	 */
	public double capacityUsage() {
		return (this.maxMapSize > 0) ? (double) this.usedBytes / this.maxMapSize : 0;
	}

}

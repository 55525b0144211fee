package io.varve.core.storage;

/**
 * Figures about the storage file.
 *
 * @param mapSize the current map size in bytes
 * @param maxMapSize the largest the map may grow to
 * @param usedBytes bytes in use: the last page written plus one, times the page size
 * @param pageSize the page size
 * @param maxReaders the reader slot limit
 * @param readers reader slots in use
 */
public record StorageStats(long mapSize, long maxMapSize, long usedBytes, int pageSize, int maxReaders, int readers) {

}

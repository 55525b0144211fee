package io.varve.core.storage;

import java.nio.file.Path;
import java.util.Map;

/**
 * What a storage engine needs to open a store.
 *
 * @param directory the store directory
 * @param initialMapSize the map size a new store starts with, in bytes
 * @param maxMapSize the largest the map may grow to, in bytes
 * @param commitSync what each commit flushes to the device
 * @param maxReaders the most read transactions open at once, across processes
 * @param readOnly whether to open for reading only
 * @param preallocate whether to keep zeroed space ahead of the data file (decided by the
 * durability policy: it pays only where commits flush)
 * @param groupAccess whether the owner's group may read the store (see
 * {@link StoreDirectory})
 * @param newStoreMeta entries a new store's meta table is created with, beside its format
 * record (whether it is encrypted); an existing store keeps its own
 */
public record StorageConfig(Path directory, long initialMapSize, long maxMapSize, CommitSync commitSync, int maxReaders,
		boolean readOnly, boolean preallocate, boolean groupAccess, Map<String, byte[]> newStoreMeta) {

	/**
	 * What a storage engine needs to open a store whose meta table holds only its format
	 * record.
	 */
	public StorageConfig(Path directory, long initialMapSize, long maxMapSize, CommitSync commitSync, int maxReaders,
			boolean readOnly, boolean preallocate, boolean groupAccess) {
		this(directory, initialMapSize, maxMapSize, commitSync, maxReaders, readOnly, preallocate, groupAccess,
				Map.of());
	}

}

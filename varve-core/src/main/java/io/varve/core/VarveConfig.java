package io.varve.core;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import tools.jackson.dataformat.smile.SmileMapper;

import io.varve.Durability;
import io.varve.RetentionPolicy;
import io.varve.Upcaster;
import io.varve.VarveListener;
import io.varve.crypto.Encryption;

/**
 * Settings of one store, as collected by {@link io.varve.VarveBuilder}.
 *
 * @param path the store directory
 * @param mapSize the initial map size in bytes
 * @param maxMapSize the largest the map may grow to, in bytes
 * @param durability the sync policy
 * @param maxEventSize the largest encoded event, in bytes
 * @param maxReaders the reader slot limit
 * @param syncInterval how often to flush in {@link Durability#NO_SYNC} mode, or null for
 * never
 * @param preallocate whether to keep zeroed space ahead of the data file where that pays
 * @param eventTypes event classes to register up front
 * @param mapper the Smile mapper, or null for Varve's default
 * @param readOnly whether to open read-only
 * @param clock the clock stamping commits
 * @param groupAccess whether the owner's group may read the store's files
 * @param listeners the listeners, in the order they are told
 * @param upcasters the upcasters
 * @param replica whether the store is a replica: written only through
 * {@link io.varve.Replication}
 * @param retention the retention policies by category or stream name
 * @param retentionInterval how often the retention task runs a pass
 * @param encryption encryption at rest, or null for a plain store
 */
public record VarveConfig(Path path, long mapSize, long maxMapSize, Durability durability, int maxEventSize,
		int maxReaders, Duration syncInterval, boolean preallocate, List<Class<?>> eventTypes, SmileMapper mapper,
		boolean readOnly, Clock clock, boolean groupAccess, List<VarveListener> listeners, List<Upcaster> upcasters,
		boolean replica, Map<String, RetentionPolicy> retention, Duration retentionInterval,
		@Nullable Encryption encryption) {

}

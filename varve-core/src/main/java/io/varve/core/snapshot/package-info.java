/**
 * Aggregate snapshots: their keys in the store's snapshot table, the write that stores
 * one and prunes older ones, and the {@link io.varve.SnapshotStore} over them.
 */
@NullMarked
package io.varve.core.snapshot;

import org.jspecify.annotations.NullMarked;

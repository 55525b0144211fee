/**
 * The read path: the public read methods' checks, snapshots of the storage engine, and
 * the events built from stored envelopes.
 * <p>
 * Internal: not part of Varve's public API; it may change in any release without notice.
 */
@NullMarked
package io.varve.core.read;

import org.jspecify.annotations.NullMarked;

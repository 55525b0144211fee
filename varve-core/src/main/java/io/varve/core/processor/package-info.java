/**
 * The processor engine: one runner thread per processor with an explicit phase, batches
 * that return their outcome to the loop, checkpoints and projections committed with the
 * store's writer, parked events.
 * <p>
 * Internal: not part of Varve's public API; it may change in any release without notice.
 */
@NullMarked
package io.varve.core.processor;

import org.jspecify.annotations.NullMarked;

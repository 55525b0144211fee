/**
 * Group commit: the single writer's queue, thread and hand-over, and the transaction that
 * commits one group.
 * <p>
 * Internal: not part of Varve's public API; it may change in any release without notice.
 */
@NullMarked
package io.varve.core.write;

import org.jspecify.annotations.NullMarked;

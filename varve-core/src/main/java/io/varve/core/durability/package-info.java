/**
 * The durability policy: what each commit flushes, whether preallocation pays, the
 * periodic sync and the flush on close, decided in one place from
 * {@link io.varve.Durability}.
 * <p>
 * Internal: not part of Varve's public API; it may change in any release without notice.
 */
@NullMarked
package io.varve.core.durability;

import org.jspecify.annotations.NullMarked;

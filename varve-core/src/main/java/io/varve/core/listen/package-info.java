/**
 * Tells a store's {@link io.varve.VarveListener}s what happens, and adds the metadata
 * entries they give to the events of an append.
 * <p>
 * Internal: not part of Varve's public API; it may change in any release without notice.
 */
@NullMarked
package io.varve.core.listen;

import org.jspecify.annotations.NullMarked;

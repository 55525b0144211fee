/**
 * The store's implementation: the facade {@code DefaultVarve}, which opens the parts of a
 * store and delegates to them, and the append path (checking and encoding on the caller's
 * thread).
 * <p>
 * Internal: not part of Varve's public API; it may change in any release without notice.
 */
@NullMarked
package io.varve.core;

import org.jspecify.annotations.NullMarked;

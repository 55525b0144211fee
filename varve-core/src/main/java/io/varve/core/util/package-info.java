/**
 * Small thread helpers.
 * <p>
 * Internal: not part of Varve's public API; it may change in any release without notice.
 */
@NullMarked
package io.varve.core.util;

import org.jspecify.annotations.NullMarked;

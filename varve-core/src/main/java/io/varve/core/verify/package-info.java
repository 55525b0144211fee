/**
 * Checks a whole store against the invariants every store keeps: used by the
 * {@code varve verify} command and by the reliability tests after each crash.
 * <p>
 * Internal: not part of Varve's public API; it may change in any release without notice.
 */
@NullMarked
package io.varve.core.verify;

import org.jspecify.annotations.NullMarked;

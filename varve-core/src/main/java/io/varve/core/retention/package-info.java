/**
 * Retention: the background task that deletes events past their category's or stream's
 * {@link io.varve.RetentionPolicy}, in bounded transactions.
 * <p>
 * Internal: not part of Varve's public API; it may change in any release without notice.
 */
@NullMarked
package io.varve.core.retention;

import org.jspecify.annotations.NullMarked;

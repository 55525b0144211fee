/**
 * Aggregate repositories on the application's store, with the configured snapshot policy.
 */
@NullMarked
package io.varve.boot.aggregate;

import org.jspecify.annotations.NullMarked;

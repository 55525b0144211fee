/**
 * Micrometer meters of a store and its processors.
 */
@NullMarked
package io.varve.boot.metrics;

import org.jspecify.annotations.NullMarked;

/**
 * Shared loads, events and measurements.
 */
@NullMarked
package io.varve.benchmarks.support;

import org.jspecify.annotations.NullMarked;

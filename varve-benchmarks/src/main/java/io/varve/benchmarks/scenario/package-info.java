/**
 * The comparison scenarios.
 */
@NullMarked
package io.varve.benchmarks.scenario;

import org.jspecify.annotations.NullMarked;

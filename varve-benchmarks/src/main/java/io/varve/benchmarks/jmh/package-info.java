/**
 * JMH benchmarks of appends, and running them from the comparison runner.
 */
@NullMarked
package io.varve.benchmarks.jmh;

import org.jspecify.annotations.NullMarked;

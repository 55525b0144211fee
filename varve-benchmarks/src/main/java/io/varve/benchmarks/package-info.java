/**
 * JMH benchmarks and the side-by-side comparison runner (not published).
 */
@NullMarked
package io.varve.benchmarks;

import org.jspecify.annotations.NullMarked;

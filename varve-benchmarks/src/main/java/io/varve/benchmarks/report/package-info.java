/**
 * Results, targets and the report.
 */
@NullMarked
package io.varve.benchmarks.report;

import org.jspecify.annotations.NullMarked;

/**
 * The peers Varve is compared with: Axon on a JDBC event store, an events table in
 * PostgreSQL (and H2).
 */
@NullMarked
package io.varve.benchmarks.peer;

import org.jspecify.annotations.NullMarked;

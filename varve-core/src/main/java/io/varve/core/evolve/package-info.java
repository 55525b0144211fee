/**
 * Schema evolution: the (type, schema version) pairs a store holds, the registered
 * {@link io.varve.Upcaster}s, the checks that every stored version can be read by the
 * current classes, and the events upcasting makes on read.
 */
@NullMarked
package io.varve.core.evolve;

import org.jspecify.annotations.NullMarked;

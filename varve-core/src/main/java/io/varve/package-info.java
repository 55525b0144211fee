/**
 * Varve's public API: the store ({@link io.varve.Varve}, opened with
 * {@link io.varve.VarveBuilder}), appending ({@link io.varve.EventData},
 * {@link io.varve.ExpectedVersion}), reading ({@link io.varve.RecordedEvent},
 * {@link io.varve.EventFilter}), listeners and the exceptions. With
 * {@code io.varve.processor}, the only packages applications should use.
 */
@NullMarked
package io.varve;

import org.jspecify.annotations.NullMarked;

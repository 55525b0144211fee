/**
 * Micrometer observations of appends and processor handler invocations, carrying the
 * trace context from the request that appended an event to the processors that handle it.
 */
@NullMarked
package io.varve.boot.observation;

import org.jspecify.annotations.NullMarked;

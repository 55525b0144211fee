/**
 * Auto-configuration of Micrometer observations of appends and handler invocations.
 */
@NullMarked
package io.varve.boot.autoconfigure.observation;

import org.jspecify.annotations.NullMarked;

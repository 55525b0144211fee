/**
 * The Actuator endpoint {@code varve} and the health indicator, read through Varve's
 * public API; no response carries an event payload or metadata value.
 */
@NullMarked
package io.varve.boot.actuate;

import org.jspecify.annotations.NullMarked;

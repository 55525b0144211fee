/**
 * Auto-configuration of the Actuator endpoint, the health contributor and the metrics.
 */
@NullMarked
package io.varve.boot.autoconfigure.actuate;

import org.jspecify.annotations.NullMarked;

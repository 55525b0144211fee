/**
 * Auto-configuration of the {@code Varve} bean from {@code varve.*} properties, and the
 * callbacks that customise it.
 */
@NullMarked
package io.varve.boot.autoconfigure;

import org.jspecify.annotations.NullMarked;

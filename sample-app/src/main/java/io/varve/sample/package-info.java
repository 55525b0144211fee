/**
 * The sample bank-account application.
 */
@NullMarked
package io.varve.sample;

import org.jspecify.annotations.NullMarked;

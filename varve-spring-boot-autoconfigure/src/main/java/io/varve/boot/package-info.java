/**
 * Annotations for Spring applications: {@code @VarveProcessor} beans and their handler
 * and reset methods.
 */
@NullMarked
package io.varve.boot;

import org.jspecify.annotations.NullMarked;

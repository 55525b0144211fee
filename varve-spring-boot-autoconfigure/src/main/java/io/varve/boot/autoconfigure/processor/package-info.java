/**
 * Discovers {@code @VarveProcessor} beans, checks their handler methods, registers them
 * as processors and runs them with the application's lifecycle.
 */
@NullMarked
package io.varve.boot.autoconfigure.processor;

import org.jspecify.annotations.NullMarked;

/**
 * Failure analyzers: a store that cannot open explains at start-up why and what to do.
 */
@NullMarked
package io.varve.boot.autoconfigure.diagnostics;

import org.jspecify.annotations.NullMarked;

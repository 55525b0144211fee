/**
 * The {@code varve} command-line tool: looks at, verifies, backs up, exports and imports
 * a store directory.
 */
@NullMarked
package io.varve.cli;

import org.jspecify.annotations.NullMarked;

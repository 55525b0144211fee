/**
 * Varve's public API for processors: checkpointed handlers that catch up on the log and
 * then follow it, with projection state committed together with their checkpoints.
 */
@NullMarked
package io.varve.processor;

import org.jspecify.annotations.NullMarked;

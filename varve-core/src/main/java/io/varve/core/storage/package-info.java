/**
 * The storage SPI between the store and its engine: read and write transactions, keys,
 * the store directory and its lock.
 * <p>
 * Internal: not part of Varve's public API; it may change in any release without notice.
 */
@NullMarked
package io.varve.core.storage;

import org.jspecify.annotations.NullMarked;

/**
 * The storage engine on LMDB (lmdbjava with Agrona buffers): the only package that
 * touches lmdbjava, and where every LMDB error is translated.
 * <p>
 * Internal: not part of Varve's public API; it may change in any release without notice.
 */
@NullMarked
package io.varve.core.lmdb;

import org.jspecify.annotations.NullMarked;

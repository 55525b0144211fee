/**
 * The stored forms: envelopes, names and Smile payloads, and the checks that keep events
 * Jackson would store without their state out of the store.
 * <p>
 * Internal: not part of Varve's public API; it may change in any release without notice.
 */
@NullMarked
package io.varve.core.codec;

import org.jspecify.annotations.NullMarked;

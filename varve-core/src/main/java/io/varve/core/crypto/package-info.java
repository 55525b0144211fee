/**
 * Encryption at rest: the key store outside the store directory
 * ({@link io.varve.core.crypto.KeyLog}, {@link io.varve.core.crypto.DataKeys}) and the
 * sealing of envelopes ({@link io.varve.core.crypto.EventCipher}).
 */
@NullMarked
package io.varve.core.crypto;

import org.jspecify.annotations.NullMarked;

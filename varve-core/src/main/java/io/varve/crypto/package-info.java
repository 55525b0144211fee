/**
 * Encryption at rest: the {@link io.varve.crypto.KeyProvider} SPI that holds master keys
 * (or reaches a KMS), the shipped {@link io.varve.crypto.LocalKeyProvider}, and
 * {@link io.varve.crypto.Encryption}, the setting given to
 * {@link io.varve.VarveBuilder#encryption(Encryption)}.
 */
@NullMarked
package io.varve.crypto;

import org.jspecify.annotations.NullMarked;

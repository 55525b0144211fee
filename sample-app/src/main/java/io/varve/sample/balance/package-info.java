/**
 * The balances projection and its queries.
 */
@NullMarked
package io.varve.sample.balance;

import org.jspecify.annotations.NullMarked;

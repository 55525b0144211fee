/**
 * Accounts: the events, the aggregate and the commands that append them.
 */
@NullMarked
package io.varve.sample.account;

import org.jspecify.annotations.NullMarked;

/**
 * A processor that keeps an audit trail.
 */
@NullMarked
package io.varve.sample.audit;

import org.jspecify.annotations.NullMarked;

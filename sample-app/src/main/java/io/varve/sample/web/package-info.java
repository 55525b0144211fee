/**
 * The HTTP API.
 */
@NullMarked
package io.varve.sample.web;

import org.jspecify.annotations.NullMarked;

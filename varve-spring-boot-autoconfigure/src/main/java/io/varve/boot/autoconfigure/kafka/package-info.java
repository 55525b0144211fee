/**
 * Auto-configuration of Kafka forwarders and replicas.
 */
@NullMarked
package io.varve.boot.autoconfigure.kafka;

import org.jspecify.annotations.NullMarked;

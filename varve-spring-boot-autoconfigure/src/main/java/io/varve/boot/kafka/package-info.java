/**
 * Varve with Kafka in a Spring application: the forwarders and replica the starter runs
 * ({@link io.varve.boot.kafka.VarveKafka}), their health, and the consumer-side duplicate
 * filter for Spring Kafka listeners ({@link io.varve.boot.kafka.ForwardedRecordFilter}).
 */
@NullMarked
package io.varve.boot.kafka;

import org.jspecify.annotations.NullMarked;

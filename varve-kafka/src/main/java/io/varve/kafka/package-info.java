/**
 * Varve beyond one machine through Apache Kafka: {@link io.varve.kafka.KafkaForwarder}
 * publishes a store's events to topics as a checkpointed processor,
 * {@link io.varve.kafka.ForwardedPositions} removes the duplicates at-least-once delivery
 * brings on the consumer side, and {@link io.varve.kafka.KafkaReplica} keeps a store on
 * another machine equal to its source from a forwarder's log topic.
 */
@NullMarked
package io.varve.kafka;

import org.jspecify.annotations.NullMarked;

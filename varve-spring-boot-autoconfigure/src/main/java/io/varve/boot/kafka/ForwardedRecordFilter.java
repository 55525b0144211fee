package io.varve.boot.kafka;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.springframework.kafka.listener.adapter.RecordFilterStrategy;

import io.varve.kafka.ForwardedHeaders;
import io.varve.kafka.ForwardedPositions;

/**
 * Drops the records a Varve forwarder delivered again (after a crash or a failed send),
 * for Spring Kafka listeners: a record whose global position is not above the highest one
 * seen on its partition is discarded. Records without the position header pass.
 *
 * <pre>{@code
 * &#64;Bean
 * ConcurrentKafkaListenerContainerFactory<?, ?> kafkaListenerContainerFactory(ConsumerFactory<Object, Object> consumers) {
 *     var factory = new ConcurrentKafkaListenerContainerFactory<Object, Object>();
 *     factory.setConsumerFactory(consumers);
 *     factory.setRecordFilterStrategy(new ForwardedRecordFilter());
 *     return factory;
 * }
 * }</pre>
 *
 * The positions seen live in memory: after a restart or a rebalance the first records of
 * a partition may be ones handled before. Where that matters, keep
 * {@link ForwardedPositions#lastPosition} with the listener's own writes and give it back
 * through {@link #positions()} when the partition is assigned.
 */
public final class ForwardedRecordFilter implements RecordFilterStrategy<Object, Object> {

	private final ForwardedPositions positions = new ForwardedPositions();

	@Override
	public boolean filter(ConsumerRecord<Object, Object> record) {
		Header position = record.headers().lastHeader(ForwardedHeaders.POSITION);
		return position != null && !this.positions.firstDelivery(record);
	}

	/** The highest positions seen, per partition. */
	public ForwardedPositions positions() {
		return this.positions;
	}

}

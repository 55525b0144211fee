package io.varve.kafka;

import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Removes the duplicates at-least-once forwarding brings, with one number per partition.
 * A {@link KafkaForwarder} sends each partition's records in increasing
 * {@link ForwardedHeaders#POSITION position} order and, after a crash or a failed send,
 * sends again from its last checkpoint: a record whose position is not above the highest
 * one already seen on its partition is a redelivery.
 * <p>
 * Keep one instance per consumer (it is not thread-safe) and, for duplicates across
 * restarts and rebalances, store {@link #lastPosition(TopicPartition)} with what the
 * consumer writes and give it back with {@link #seen(TopicPartition, long)} when the
 * partition is assigned again. With Spring Kafka, the starter's
 * {@code ForwardedRecordFilter} applies it as a record filter.
 */
public final class ForwardedPositions {

	private final Map<TopicPartition, Long> highest = new HashMap<>();

	/**
	 * Whether a record is delivered for the first time; notes its position if so.
	 * @param record the record
	 * @return true to handle it, false for a redelivery
	 */
	public boolean firstDelivery(ConsumerRecord<?, ?> record) {
		TopicPartition partition = new TopicPartition(record.topic(), record.partition());
		long position = ForwardedHeaders.position(record);
		Long last = this.highest.get(partition);
		if (last != null && position <= last) {
			return false;
		}
		this.highest.put(partition, position);
		return true;
	}

	/**
	 * The highest position handled on a partition.
	 * @param partition the partition
	 * @return the position, 0 for none
	 */
	public long lastPosition(TopicPartition partition) {
		return this.highest.getOrDefault(partition, 0L);
	}

	/**
	 * Restores the highest position handled on a partition, from the consumer's own
	 * storage.
	 * @param partition the partition
	 * @param position the position
	 */
	public void seen(TopicPartition partition, long position) {
		this.highest.merge(partition, position, Math::max);
	}

	/**
	 * Forgets a partition, when it is revoked from this consumer.
	 * @param partition the partition
	 */
	public void forget(TopicPartition partition) {
		this.highest.remove(partition);
	}

}

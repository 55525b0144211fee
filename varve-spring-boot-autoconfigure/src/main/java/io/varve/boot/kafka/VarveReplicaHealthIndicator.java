package io.varve.boot.kafka;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

import io.varve.kafka.KafkaReplica;

/**
 * The replica feed's health: DOWN when it stopped on a record it could not apply, with
 * the position applied and the records of the log topic not applied yet (its lag).
 */
public class VarveReplicaHealthIndicator extends AbstractHealthIndicator {

	private final KafkaReplica replica;

	public VarveReplicaHealthIndicator(KafkaReplica replica) {
		super("Varve replica health check failed");
		this.replica = replica;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		KafkaReplica.Status status = this.replica.status();
		if (status.state() == KafkaReplica.State.FAILED) {
			builder.down();
		}
		else {
			builder.up();
		}
		builder.withDetail("state", status.state().name())
			.withDetail("topic", status.topic())
			.withDetail("appliedPosition", status.appliedPosition())
			.withDetail("lag", status.lag());
		if (status.lastError() != null) {
			builder.withDetail("error", status.lastError());
		}
	}

}

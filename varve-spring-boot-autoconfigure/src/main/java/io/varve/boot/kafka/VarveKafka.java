package io.varve.boot.kafka;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.context.SmartLifecycle;

import io.varve.Varve;
import io.varve.kafka.KafkaForwarder;
import io.varve.kafka.KafkaReplica;
import io.varve.processor.ProcessorState;

/**
 * The Kafka forwarders and the replica feed of a Spring application's store, started and
 * stopped with the application: forwarders are processors of the store (their
 * checkpoints, lag, health and actuator controls are a processor's), the replica feed
 * applies the log topic to the store when {@code varve.kafka.replica.enabled} is set.
 */
public final class VarveKafka implements SmartLifecycle {

	/** Started with the processors, stopped with them. */
	public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 100;

	private static final Log logger = LogFactory.getLog(VarveKafka.class);

	private final Varve varve;

	private final Map<KafkaForwarder, Boolean> forwarders;

	private final @Nullable KafkaReplica replica;

	private final boolean processorsEnabled;

	private volatile boolean running;

	/**
	 * @param varve the store
	 * @param forwarders the forwarders, registered with the store, and whether each
	 * starts with the application
	 * @param replica the replica feed, or null
	 * @param processorsEnabled whether processors start with the application
	 * ({@code varve.processors.enabled})
	 */
	public VarveKafka(Varve varve, Map<KafkaForwarder, Boolean> forwarders, @Nullable KafkaReplica replica,
			boolean processorsEnabled) {
		this.varve = varve;
		this.forwarders = forwarders;
		this.replica = replica;
		this.processorsEnabled = processorsEnabled;
	}

	/** The forwarders. */
	public List<KafkaForwarder> forwarders() {
		return List.copyOf(this.forwarders.keySet());
	}

	/** The replica feed, when the store is a replica fed from Kafka. */
	public Optional<KafkaReplica> replica() {
		return Optional.ofNullable(this.replica);
	}

	@Override
	public void start() {
		if (this.replica != null) {
			this.replica.start();
		}
		this.forwarders.forEach((forwarder, autoStart) -> {
			String name = forwarder.name();
			if (!autoStart || !this.processorsEnabled || this.varve.storeInfo().readOnly()) {
				logger.info("Varve Kafka forwarder '" + name + "' is registered but not started");
			}
			else if (this.varve.processors().status(name).state() == ProcessorState.FAILED) {
				logger.warn("Varve Kafka forwarder '" + name + "' is FAILED and stays stopped; restart it once the "
						+ "cause is fixed");
			}
			else {
				this.varve.processors().start(name);
			}
		});
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		for (KafkaForwarder forwarder : this.forwarders.keySet()) {
			try {
				this.varve.processors().stop(forwarder.name());
			}
			catch (RuntimeException ex) {
				logger.warn("Could not stop Varve Kafka forwarder '" + forwarder.name() + "'", ex);
			}
			forwarder.close();
		}
		if (this.replica != null) {
			this.replica.close();
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}

package io.varve.boot.autoconfigure.processor;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.SmartLifecycle;

import io.varve.StoreInfo;
import io.varve.Varve;
import io.varve.processor.ProcessorRegistry;
import io.varve.processor.ProcessorState;

/**
 * Starts the {@code @VarveProcessor} processors once the application context is ready,
 * and stops them, each after its current batch commits, when the context closes, before
 * the {@code Varve} bean is closed. Late to start, early to stop: its phase is just below
 * {@link SmartLifecycle#DEFAULT_PHASE}.
 * <p>
 * Once they have started it logs one INFO line: the store, its durability, head position
 * and stream count, the processors started and those not started with why. On a store
 * opened read-only ({@code varve.read-only}) no processor starts: a processor commits
 * checkpoints, so it runs in the process that owns the store; the processors stay
 * registered, so their status (the owner's checkpoints and lag) can be read.
 */
public final class VarveProcessorLifecycle implements SmartLifecycle {

	/** The phase: processors start after, and stop before, most other lifecycles. */
	public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 100;

	private static final Log logger = LogFactory.getLog(VarveProcessorLifecycle.class);

	private final Varve varve;

	private final ProcessorRegistry registry;

	private final VarveProcessorBeanPostProcessor processors;

	private final boolean enabled;

	private final Set<String> only;

	private volatile boolean running;

	VarveProcessorLifecycle(Varve varve, ProcessorRegistry registry, VarveProcessorBeanPostProcessor processors,
			boolean enabled, Collection<String> only) {
		this.varve = varve;
		this.registry = registry;
		this.processors = processors;
		this.enabled = enabled;
		this.only = Set.copyOf(only);
	}

	@Override
	public void start() {
		StoreInfo store = this.varve.storeInfo();
		List<String> started = new ArrayList<>();
		List<String> notStarted = new ArrayList<>();
		for (VarveProcessorBeanPostProcessor.RegisteredProcessor processor : this.processors.registered()) {
			String name = processor.name();
			if (!this.enabled) {
				notStarted.add(name + " (varve.processors.enabled=false)");
			}
			else if (store.readOnly()) {
				notStarted.add(name + " (the store is read-only)");
			}
			else if (!this.only.isEmpty() && !this.only.contains(name)) {
				notStarted.add(name + " (not in varve.processors.only)");
			}
			else if (!processor.autoStart()) {
				notStarted.add(name + " (varve.processor." + name + ".enabled=false)");
			}
			else if (this.registry.status(name).state() == ProcessorState.FAILED) {
				logger.warn("Varve processor '" + name + "' is FAILED and stays stopped; "
						+ "restart it through the ProcessorRegistry once the cause is fixed");
				notStarted.add(name + " (FAILED)");
			}
			else {
				this.registry.start(name);
				started.add(name);
			}
		}
		logger.info(summary(store, started, notStarted));
		this.running = true;
	}

	private String summary(StoreInfo store, List<String> started, List<String> notStarted) {
		String durability = store.durability().name().toLowerCase(Locale.ROOT).replace('_', '-');
		StringBuilder line = new StringBuilder("Varve store ").append(store.path().toAbsolutePath())
			.append(" (")
			.append(store.readOnly() ? "read-only" : "durability " + durability)
			.append("): head position ")
			.append(this.varve.headPosition())
			.append(", ")
			.append(this.varve.streamCount())
			.append(" streams; processors started: ")
			.append(started.isEmpty() ? "none" : String.join(", ", started));
		if (!notStarted.isEmpty()) {
			line.append("; not started: ").append(String.join(", ", notStarted));
		}
		return line.toString();
	}

	@Override
	public void stop() {
		this.running = false;
		this.registry.stopAll();
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

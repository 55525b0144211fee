package io.varve.boot.autoconfigure.processor;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.SmartLifecycle;

import io.varve.processor.ProcessorRegistry;
import io.varve.processor.ProcessorState;

/**
 * Starts the {@code @VarveProcessor} processors once the application context is ready,
 * and stops them, each after its current batch commits, when the context closes, before
 * the {@code Varve} bean is closed. Late to start, early to stop: its phase is just below
 * {@link SmartLifecycle#DEFAULT_PHASE}.
 */
public final class VarveProcessorLifecycle implements SmartLifecycle {

	/** The phase: processors start after, and stop before, most other lifecycles. */
	public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 100;

	private static final Log logger = LogFactory.getLog(VarveProcessorLifecycle.class);

	private final ProcessorRegistry registry;

	private final VarveProcessorBeanPostProcessor processors;

	private final boolean enabled;

	private volatile boolean running;

	VarveProcessorLifecycle(ProcessorRegistry registry, VarveProcessorBeanPostProcessor processors, boolean enabled) {
		this.registry = registry;
		this.processors = processors;
		this.enabled = enabled;
	}

	@Override
	public void start() {
		if (this.enabled) {
			for (VarveProcessorBeanPostProcessor.RegisteredProcessor processor : this.processors.registered()) {
				if (!processor.autoStart()) {
					logger.info("Varve processor '" + processor.name() + "' is disabled (varve.processor."
							+ processor.name() + ".enabled=false); start it through the ProcessorRegistry");
				}
				else if (this.registry.status(processor.name()).state() == ProcessorState.FAILED) {
					logger.warn("Varve processor '" + processor.name() + "' is FAILED and stays stopped; "
							+ "restart it through the ProcessorRegistry once the cause is fixed");
				}
				else {
					this.registry.start(processor.name());
				}
			}
		}
		else {
			logger.info("Varve processors are disabled (varve.processors.enabled=false)");
		}
		this.running = true;
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

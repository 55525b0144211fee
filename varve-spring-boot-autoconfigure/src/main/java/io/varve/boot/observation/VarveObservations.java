package io.varve.boot.observation;

import java.util.Map;

import org.jspecify.annotations.Nullable;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;

import io.varve.VarveListener;

/**
 * Observes a store's appends and its processors' handler invocations with Micrometer's
 * Observation API: timers for both through a meter handler, and with a tracer, one trace
 * from the request that appended an event to every processor that handles it (the append
 * stores the trace context in each event's metadata; the handler's observation continues
 * it, and is current while the handler runs). Register it on the store's builder; Spring
 * Boot does when an {@link ObservationRegistry} bean exists, unless
 * {@code varve.observations.enabled=false}.
 *
 * <pre>{@code
 * Varve varve = Varve.builder()
 *     .path(path)
 *     .listener(new VarveObservations(observationRegistry))
 *     .open();
 * }</pre>
 */
public class VarveObservations implements VarveListener {

	private final ObservationRegistry registry;

	private final @Nullable VarveAppendObservationConvention appendConvention;

	private final @Nullable VarveHandlerObservationConvention handlerConvention;

	/**
	 * Observes with the default conventions.
	 * @param registry the observation registry
	 */
	public VarveObservations(ObservationRegistry registry) {
		this(registry, null, null);
	}

	/**
	 * Observes with custom conventions.
	 * @param registry the observation registry
	 * @param appendConvention names and tags appends, or null for the default
	 * @param handlerConvention names and tags handler invocations, or null for the
	 * default
	 */
	public VarveObservations(ObservationRegistry registry, @Nullable VarveAppendObservationConvention appendConvention,
			@Nullable VarveHandlerObservationConvention handlerConvention) {
		this.registry = registry;
		this.appendConvention = appendConvention;
		this.handlerConvention = handlerConvention;
	}

	@Override
	public AppendScope appendStarted(AppendStart append) {
		if (this.registry.isNoop()) {
			return AppendScope.NONE;
		}
		VarveAppendContext context = new VarveAppendContext(append);
		Observation observation = Observation
			.createNotStarted(this.appendConvention, DefaultVarveAppendObservationConvention.INSTANCE, () -> context,
					this.registry)
			.start();
		return new AppendScope() {
			@Override
			public Map<String, String> metadata() {
				return context.getCarrier();
			}

			@Override
			public void ended(AppendEnd end) {
				context.setEnd(end);
				if (end.failure() != null) {
					observation.error(end.failure());
				}
				observation.stop();
			}
		};
	}

	@Override
	public HandlerScope handlerStarted(HandlerStart handling) {
		if (this.registry.isNoop()) {
			return HandlerScope.NONE;
		}
		VarveHandlerContext context = new VarveHandlerContext(handling.processor(), handling.event());
		Observation observation = Observation
			.createNotStarted(this.handlerConvention, DefaultVarveHandlerObservationConvention.INSTANCE, () -> context,
					this.registry)
			.start();
		Observation.Scope scope = observation.openScope();
		return (failure) -> {
			if (failure != null) {
				observation.error(failure);
			}
			scope.close();
			observation.stop();
		};
	}

}

package io.varve.boot.metrics;

import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;

import io.varve.processor.ProcessorRegistry;
import io.varve.processor.ProcessorStatus;
import io.varve.processor.RebuildStatus;

/**
 * The meters of one processor, tagged {@code processor}. Each reads the processor's live
 * status when scraped: lag and counters are kept in memory, and only the age of the
 * oldest unhandled event reads the store, one event.
 */
final class ProcessorMeters {

	private final ProcessorRegistry processors;

	private final String name;

	private volatile double handled;

	private volatile double errors;

	private ProcessorMeters(ProcessorRegistry processors, String name) {
		this.processors = processors;
		this.name = name;
	}

	static void register(ProcessorRegistry processors, String name, MeterRegistry registry) {
		ProcessorMeters meters = new ProcessorMeters(processors, name);
		Tags tags = Tags.of("processor", name);
		gauge(registry, "varve.processor.lag.events", "Events between the processor's checkpoint and the head",
				"events", tags, meters, (status) -> status.lag());
		gauge(registry, "varve.processor.parked", "Events in the processor's dead-letter list", "events", tags, meters,
				(status) -> status.parkedCount());
		TimeGauge.builder("varve.processor.lag.seconds", meters, TimeUnit.SECONDS, (m) -> m.read((status) -> {
			java.time.Duration age = status.oldestUnhandledAge();
			return age.getSeconds() + age.getNano() / 1e9;
		}))
			.description("How long ago the oldest event the processor has not handled yet was committed")
			.tags(tags)
			.strongReference(true)
			.register(registry);
		rebuildGauge(registry, "varve.processor.rebuild.progress",
				"Share of the log from its first position to the head that the processor's rebuild has handled, "
						+ "0 to 1 (NaN when it was not rebuilt in this process)",
				"ratio", tags, meters, RebuildStatus::fraction);
		rebuildGauge(registry, "varve.processor.rebuild.position",
				"Last position the processor's rebuild has handled in its new tables", "position", tags, meters,
				RebuildStatus::position);
		rebuildGauge(registry, "varve.processor.rebuild.rate", "Positions per second the processor's rebuild handles",
				"events", tags, meters, RebuildStatus::eventsPerSecond);
		rebuildGauge(registry, "varve.processor.rebuild.remaining",
				"Estimated seconds until the processor's rebuild catches up (NaN when unknown or ended)", "seconds",
				tags, meters, (rebuild) -> (rebuild.estimatedRemaining() != null)
						? rebuild.estimatedRemaining().toMillis() / 1000.0 : Double.NaN);
		FunctionCounter.builder("varve.processor.handled", meters, ProcessorMeters::handled)
			.description("Events the processor has handled since this process registered it")
			.baseUnit("events")
			.tags(tags)
			.register(registry);
		FunctionCounter.builder("varve.processor.errors", meters, ProcessorMeters::errors)
			.description("Failed handler attempts since this process registered the processor")
			.tags(tags)
			.register(registry);
	}

	private static void gauge(MeterRegistry registry, String name, String description, String baseUnit, Tags tags,
			ProcessorMeters meters, ToDoubleFunction<ProcessorStatus> value) {
		Gauge.builder(name, meters, (m) -> m.read(value))
			.description(description)
			.baseUnit(baseUnit)
			.tags(tags)
			.strongReference(true)
			.register(registry);
	}

	private static void rebuildGauge(MeterRegistry registry, String name, String description, String baseUnit,
			Tags tags, ProcessorMeters meters, ToDoubleFunction<RebuildStatus> value) {
		Gauge
			.builder(name, meters,
					(m) -> Guarded.value(true,
							() -> m.processors.rebuildStatus(m.name).map(value::applyAsDouble).orElse(Double.NaN)))
			.description(description)
			.baseUnit(baseUnit)
			.tags(tags)
			.strongReference(true)
			.register(registry);
	}

	private double read(ToDoubleFunction<ProcessorStatus> value) {
		return Guarded.value(true, () -> value.applyAsDouble(this.processors.status(this.name)));
	}

	/** Counters must not go down or become NaN: once the store closes, keep the last. */
	private double handled() {
		double now = read(ProcessorStatus::eventsHandled);
		if (!Double.isNaN(now)) {
			this.handled = now;
		}
		return this.handled;
	}

	private double errors() {
		double now = read(ProcessorStatus::errors);
		if (!Double.isNaN(now)) {
			this.errors = now;
		}
		return this.errors;
	}

}

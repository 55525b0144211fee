package io.varve.boot.metrics;

import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

import org.jspecify.annotations.Nullable;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;

import io.varve.Varve;
import io.varve.VarveListener;

/**
 * Micrometer meters of a Varve store, named {@code varve.*}.
 * <ul>
 * <li>{@code varve.append} (timer, tag {@code outcome}: success, conflict, error): how
 * long appends and transactions take, from the call to the durable commit.</li>
 * <li>{@code varve.commit.batch.size} (distribution summary, events): events per group
 * commit, for the commits that carry events.</li>
 * <li>{@code varve.head.position}, {@code varve.streams} (gauges), and
 * {@code varve.storage.used}, {@code varve.storage.map.size} (gauges, bytes).</li>
 * <li>Per processor, tag {@code processor}: {@code varve.processor.lag.events} and
 * {@code varve.processor.parked} (gauges), {@code varve.processor.lag.seconds} (time
 * gauge: age of the oldest unhandled event), {@code varve.processor.handled} and
 * {@code varve.processor.errors} (function counters). Processors registered after binding
 * get their meters when they are registered.</li>
 * </ul>
 * It is a {@link VarveListener}: register it on the builder of the store it measures
 * (Spring Boot's auto-configuration does), and bind it to any number of registries,
 * before or after the store opens. Gauges read live figures when scraped and never throw:
 * once the store is closed they report NaN, and the counters keep their last value.
 *
 * <pre>{@code
 * VarveMetrics metrics = new VarveMetrics();
 * Varve varve = Varve.builder().path(path).listener(metrics).open();
 * metrics.bindTo(meterRegistry);
 * }</pre>
 */
public class VarveMetrics implements MeterBinder, VarveListener {

	private final List<Bound> bound = new CopyOnWriteArrayList<>();

	private volatile @Nullable Varve varve;

	@Override
	public synchronized void bindTo(MeterRegistry registry) {
		Bound meters = new Bound(registry);
		this.bound.add(meters);
		if (this.varve != null) {
			bindStore(this.varve, registry);
		}
	}

	@Override
	public synchronized void opened(Varve varve) {
		this.varve = varve;
		for (Bound meters : this.bound) {
			bindStore(varve, meters.registry);
		}
	}

	@Override
	public AppendScope appendStarted(AppendStart append) {
		return (end) -> {
			for (Bound meters : this.bound) {
				meters.appends.get(end.outcome()).record(end.nanos(), TimeUnit.NANOSECONDS);
			}
		};
	}

	@Override
	public void committed(Commit commit) {
		if (commit.events() > 0) {
			for (Bound meters : this.bound) {
				meters.batchSize.record(commit.events());
			}
		}
	}

	@Override
	public void processorRegistered(String name) {
		Varve store = this.varve;
		if (store != null) {
			for (Bound meters : this.bound) {
				ProcessorMeters.register(store.processors(), name, meters.registry);
			}
		}
	}

	private static void bindStore(Varve varve, MeterRegistry registry) {
		gauge(varve, registry, "varve.head.position", "Position of the last event in the log", null,
				Varve::headPosition);
		gauge(varve, registry, "varve.streams", "Number of streams", null, Varve::streamCount);
		gauge(varve, registry, "varve.storage.used", "Bytes in use in the data file", BaseUnits.BYTES,
				(store) -> store.storeInfo().usedBytes());
		gauge(varve, registry, "varve.storage.map.size", "Current size of the memory map; it grows when it fills",
				BaseUnits.BYTES, (store) -> store.storeInfo().mapSize());
		if (!varve.retentionStatus().policies().isEmpty()) {
			gauge(varve, registry, "varve.retention.deleted", "Events deleted by retention since the store opened",
					"events", (store) -> store.retentionStatus().eventsDeleted());
			gauge(varve, registry, "varve.retention.passes", "Retention passes finished since the store opened", null,
					(store) -> store.retentionStatus().passes());
			gauge(varve, registry, "varve.retention.running", "1 while a retention pass runs, else 0", null,
					(store) -> store.retentionStatus().running() ? 1 : 0);
		}
		for (String name : varve.processors().names()) {
			ProcessorMeters.register(varve.processors(), name, registry);
		}
	}

	private static void gauge(Varve varve, MeterRegistry registry, String name, String description, String baseUnit,
			ToDoubleFunction<Varve> value) {
		Gauge.builder(name, varve, (store) -> Guarded.value(store.isOpen(), () -> value.applyAsDouble(store)))
			.description(description)
			.baseUnit(baseUnit)
			.strongReference(true)
			.register(registry);
	}

	/** The append and commit meters of one registry. */
	private static final class Bound {

		final MeterRegistry registry;

		final Map<Outcome, Timer> appends = new EnumMap<>(Outcome.class);

		final DistributionSummary batchSize;

		Bound(MeterRegistry registry) {
			this.registry = registry;
			for (Outcome outcome : Outcome.values()) {
				this.appends.put(outcome,
						Timer.builder("varve.append")
							.description("Time appends and transactions take, from the call to the durable commit")
							.tag("outcome", outcome.name().toLowerCase(Locale.ROOT))
							.register(registry));
			}
			this.batchSize = DistributionSummary.builder("varve.commit.batch.size")
				.description("Events per group commit (commits that carry only processor checkpoints are not counted)")
				.baseUnit("events")
				.register(registry);
		}

	}

}

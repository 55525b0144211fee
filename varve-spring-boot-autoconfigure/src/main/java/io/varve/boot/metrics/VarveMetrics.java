package io.varve.boot.metrics;

import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;

import io.varve.StoreInfo;
import io.varve.Varve;
import io.varve.core.AppendObserver;
import io.varve.core.DefaultVarve;
import io.varve.core.processor.DefaultProcessorRegistry;
import io.varve.core.write.CommitListener;
import io.varve.core.write.GroupCommitWriter;
import io.varve.processor.ProcessorRegistry;

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
 * Gauges read live figures when scraped and never throw: once the store is closed they
 * report NaN, and the counters keep their last value.
 *
 * <pre>{@code
 * new VarveMetrics(varve).bindTo(meterRegistry);
 * }</pre>
 */
public class VarveMetrics implements MeterBinder {

	private final Varve varve;

	private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();

	private volatile boolean listening;

	/**
	 * Creates the meters of a store; {@link #bindTo(MeterRegistry)} registers them.
	 * @param varve the store
	 */
	public VarveMetrics(Varve varve) {
		this.varve = varve;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		this.registries.add(registry);
		bindStore(registry);
		if (this.varve instanceof DefaultVarve store) {
			bindAppends(store, registry);
			bindCommits(store, registry);
		}
		ProcessorRegistry processors = this.varve.processors();
		listenForProcessors(processors);
		for (String name : processors.names()) {
			ProcessorMeters.register(processors, name, registry);
		}
	}

	private void bindStore(MeterRegistry registry) {
		gauge(registry, "varve.head.position", "Position of the last event in the log", null,
				(varve) -> varve.headPosition());
		gauge(registry, "varve.streams", "Number of streams", null, (varve) -> varve.streamCount());
		gauge(registry, "varve.storage.used", "Bytes in use in the data file", BaseUnits.BYTES,
				(varve) -> storeInfo(varve).usedBytes());
		gauge(registry, "varve.storage.map.size", "Current size of the memory map; it grows when it fills",
				BaseUnits.BYTES, (varve) -> storeInfo(varve).mapSize());
	}

	private void gauge(MeterRegistry registry, String name, String description, String baseUnit,
			ToDoubleFunction<Varve> value) {
		Gauge.builder(name, this.varve, (varve) -> Guarded.value(varve.isOpen(), () -> value.applyAsDouble(varve)))
			.description(description)
			.baseUnit(baseUnit)
			.strongReference(true)
			.register(registry);
	}

	private static StoreInfo storeInfo(Varve varve) {
		return varve.storeInfo();
	}

	private static void bindAppends(DefaultVarve store, MeterRegistry registry) {
		Map<AppendObserver.Outcome, Timer> timers = new EnumMap<>(AppendObserver.Outcome.class);
		for (AppendObserver.Outcome outcome : AppendObserver.Outcome.values()) {
			timers.put(outcome,
					Timer.builder("varve.append")
						.description("Time appends and transactions take, from the call to the durable commit")
						.tag("outcome", outcome.name().toLowerCase(Locale.ROOT))
						.register(registry));
		}
		store.addAppendObserver((outcome, events, nanos) -> timers.get(outcome).record(nanos, TimeUnit.NANOSECONDS));
	}

	private static void bindCommits(DefaultVarve store, MeterRegistry registry) {
		GroupCommitWriter writer = store.groupWriter();
		if (writer == null) {
			return; // read-only: nothing is committed here
		}
		DistributionSummary batchSize = DistributionSummary.builder("varve.commit.batch.size")
			.description("Events per group commit (commits that carry only processor checkpoints are not counted)")
			.baseUnit("events")
			.register(registry);
		writer.addListener((CommitListener.Commit commit) -> {
			if (commit.events() > 0) {
				batchSize.record(commit.events());
			}
		});
	}

	private void listenForProcessors(ProcessorRegistry processors) {
		if (processors instanceof DefaultProcessorRegistry registry) {
			synchronized (this) {
				if (this.listening) {
					return;
				}
				this.listening = true;
			}
			registry.addRegistrationListener((name) -> {
				for (MeterRegistry meterRegistry : this.registries) {
					ProcessorMeters.register(processors, name, meterRegistry);
				}
			});
		}
	}

}

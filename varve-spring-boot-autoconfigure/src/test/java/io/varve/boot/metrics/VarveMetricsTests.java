package io.varve.boot.metrics;

import java.nio.file.Path;
import java.time.Duration;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.varve.Durability;
import io.varve.ExpectedVersion;
import io.varve.InvalidStreamNameException;
import io.varve.StreamAppend;
import io.varve.Varve;
import io.varve.WrongExpectedVersionException;
import io.varve.boot.actuate.MutableClock;
import io.varve.processor.ErrorPolicy;
import io.varve.processor.ProcessorDefinition;
import io.varve.processor.ProcessorRegistry;
import io.varve.processor.RetryPolicy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class VarveMetricsTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	@TempDir
	Path dir;

	private final MeterRegistry registry = new SimpleMeterRegistry();

	private final MutableClock clock = new MutableClock();

	private Varve varve;

	record Noted(String text) {
	}

	@BeforeEach
	void open() {
		VarveMetrics metrics = new VarveMetrics();
		this.varve = Varve.builder()
			.path(this.dir)
			.durability(Durability.NO_SYNC)
			.clock(this.clock)
			.listener(metrics)
			.open();
		metrics.bindTo(this.registry);
	}

	@AfterEach
	void close() {
		this.varve.close();
	}

	@Test
	void appendsAreTimedByOutcome() {
		this.varve.append("note-1", ExpectedVersion.noStream(), new Noted("a"));
		this.varve.transaction(java.util.List.of(StreamAppend.of("note-2", ExpectedVersion.any(), new Noted("b")),
				StreamAppend.of("note-3", ExpectedVersion.any(), new Noted("c"))));
		assertThatExceptionOfType(WrongExpectedVersionException.class)
			.isThrownBy(() -> this.varve.append("note-1", ExpectedVersion.noStream(), new Noted("again")));
		assertThatExceptionOfType(InvalidStreamNameException.class)
			.isThrownBy(() -> this.varve.append(" ", ExpectedVersion.any(), new Noted("bad")));
		assertThat(timerCount("success")).isEqualTo(2);
		assertThat(timerCount("conflict")).isEqualTo(1);
		assertThat(timerCount("error")).isEqualTo(1);
		assertThat(this.registry.get("varve.append")
			.tag("outcome", "success")
			.timer()
			.totalTime(java.util.concurrent.TimeUnit.NANOSECONDS)).isPositive();
	}

	private long timerCount(String outcome) {
		return this.registry.get("varve.append").tag("outcome", outcome).timer().count();
	}

	@Test
	void groupCommitsAreMeasuredInEvents() {
		this.varve.append("note-1", ExpectedVersion.any(), new Noted("a"), new Noted("b"), new Noted("c"));
		this.varve.append("note-1", ExpectedVersion.any(), new Noted("d"));
		var summary = this.registry.get("varve.commit.batch.size").summary();
		assertThat(summary.totalAmount()).isEqualTo(4);
		assertThat(summary.count()).isEqualTo(2);
		assertThat(summary.max()).isEqualTo(3);
	}

	@Test
	void storeGaugesReadLiveFigures() {
		this.varve.append("note-1", ExpectedVersion.any(), new Noted("a"));
		this.varve.append("note-2", ExpectedVersion.any(), new Noted("b"), new Noted("c"));
		assertThat(gauge("varve.head.position", Tags.empty())).isEqualTo(3);
		assertThat(gauge("varve.streams", Tags.empty())).isEqualTo(2);
		assertThat(gauge("varve.storage.used", Tags.empty())).isEqualTo(this.varve.storeInfo().usedBytes());
		assertThat(gauge("varve.storage.map.size", Tags.empty())).isEqualTo(this.varve.storeInfo().mapSize());
		assertThat(this.registry.get("varve.storage.used").gauge().getId().getBaseUnit()).isEqualTo("bytes");
	}

	@Test
	void processorsRegisteredAfterBindingGetTheirMeters() {
		ProcessorRegistry processors = this.varve.processors();
		processors.register(ProcessorDefinition.builder("picky")
			.errorPolicy(ErrorPolicy.PARK)
			.retryPolicy(RetryPolicy.none())
			.handler((event, context) -> {
				if (event.position() == 2) {
					throw new IllegalStateException("not this one");
				}
			})
			.build());
		this.varve.append("note-1", ExpectedVersion.any(), new Noted("a"), new Noted("b"), new Noted("c"));
		Tags picky = Tags.of("processor", "picky");
		assertThat(gauge("varve.processor.lag.events", picky)).isEqualTo(3);
		this.clock.advance(Duration.ofMillis(2500));
		assertThat(this.registry.get("varve.processor.lag.seconds").tags(picky).timeGauge().value()).isEqualTo(2.5);
		processors.start("picky");
		processors.awaitProcessed("picky", 3, WAIT);
		assertThat(gauge("varve.processor.lag.events", picky)).isZero();
		assertThat(this.registry.get("varve.processor.lag.seconds").tags(picky).timeGauge().value()).isZero();
		assertThat(gauge("varve.processor.parked", picky)).isEqualTo(1);
		assertThat(this.registry.get("varve.processor.handled").tags(picky).functionCounter().count()).isEqualTo(3);
		assertThat(this.registry.get("varve.processor.errors").tags(picky).functionCounter().count()).isEqualTo(1);
	}

	@Test
	void metersNeverThrowOnceTheStoreIsClosedAndCountersKeepTheirLastValue() {
		this.varve.processors().register(ProcessorDefinition.builder("counter").handler((event, context) -> {
		}).build());
		this.varve.processors().start("counter");
		this.varve.append("note-1", ExpectedVersion.any(), new Noted("a"));
		this.varve.processors().awaitProcessed("counter", 1, WAIT);
		Tags counter = Tags.of("processor", "counter");
		assertThat(this.registry.get("varve.processor.handled").tags(counter).functionCounter().count()).isEqualTo(1);
		this.varve.close();
		assertThat(gauge("varve.head.position", Tags.empty())).isNaN();
		assertThat(gauge("varve.streams", Tags.empty())).isNaN();
		assertThat(gauge("varve.storage.used", Tags.empty())).isNaN();
		assertThat(gauge("varve.storage.map.size", Tags.empty())).isNaN();
		assertThat(gauge("varve.processor.lag.events", counter)).isNaN();
		assertThat(gauge("varve.processor.parked", counter)).isNaN();
		assertThat(this.registry.get("varve.processor.lag.seconds").tags(counter).timeGauge().value()).isNaN();
		assertThat(this.registry.get("varve.processor.handled").tags(counter).functionCounter().count()).isEqualTo(1);
		assertThat(this.registry.get("varve.processor.errors").tags(counter).functionCounter().count()).isZero();
	}

	private double gauge(String name, Tags tags) {
		return this.registry.get(name).tags(tags).gauge().value();
	}

}

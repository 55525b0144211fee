package io.varve.boot.observation;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import brave.Tracing;
import brave.handler.MutableSpan;
import brave.handler.SpanHandler;
import brave.propagation.ThreadLocalCurrentTraceContext;
import brave.propagation.TraceContext;
import brave.sampler.Sampler;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.brave.bridge.BraveBaggageManager;
import io.micrometer.tracing.brave.bridge.BraveCurrentTraceContext;
import io.micrometer.tracing.brave.bridge.BravePropagator;
import io.micrometer.tracing.brave.bridge.BraveTracer;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingReceiverTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingSenderTracingObservationHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.varve.Durability;
import io.varve.ExpectedVersion;
import io.varve.RecordedEvent;
import io.varve.Varve;
import io.varve.WrongExpectedVersionException;
import io.varve.processor.ErrorPolicy;
import io.varve.processor.ProcessorDefinition;
import io.varve.processor.RetryPolicy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Observations with a real tracer (Brave, through Micrometer Tracing's bridge) and a
 * meter handler, as Spring Boot wires them.
 */
class VarveObservationsTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	@TempDir
	Path dir;

	private final List<MutableSpan> spans = new CopyOnWriteArrayList<>();

	private final MeterRegistry meters = new SimpleMeterRegistry();

	private Tracing tracing;

	private Tracer tracer;

	private ObservationRegistry registry;

	record Ordered(String item) {
	}

	@BeforeEach
	void tracing() {
		this.tracing = Tracing.newBuilder()
			.currentTraceContext(ThreadLocalCurrentTraceContext.create())
			.sampler(Sampler.ALWAYS_SAMPLE)
			.addSpanHandler(new SpanHandler() {
				@Override
				public boolean end(TraceContext context, MutableSpan span, Cause cause) {
					VarveObservationsTests.this.spans.add(span);
					return true;
				}
			})
			.build();
		this.tracer = new BraveTracer(this.tracing.tracer(),
				new BraveCurrentTraceContext(this.tracing.currentTraceContext()), new BraveBaggageManager());
		BravePropagator propagator = new BravePropagator(this.tracing);
		this.registry = ObservationRegistry.create();
		this.registry.observationConfig()
			.observationHandler(new ObservationHandler.FirstMatchingCompositeObservationHandler(
					new PropagatingSenderTracingObservationHandler<>(this.tracer, propagator),
					new PropagatingReceiverTracingObservationHandler<>(this.tracer, propagator),
					new DefaultTracingObservationHandler(this.tracer)))
			.observationHandler(new DefaultMeterObservationHandler(this.meters));
	}

	@AfterEach
	void close() {
		this.tracing.close();
	}

	@Test
	void aProcessorsWorkJoinsTheTraceOfTheRequestThatAppendedTheEvent() {
		List<String> traceInHandler = new CopyOnWriteArrayList<>();
		try (Varve varve = open()) {
			varve.processors().register(ProcessorDefinition.builder("shipping").handler((event, context) -> {
				Span current = this.tracer.currentSpan();
				traceInHandler.add((current != null) ? current.context().traceId() : "none");
			}).build());
			Observation request = Observation.start("http.request", this.registry);
			String requestTrace;
			try (Observation.Scope scope = request.openScope()) {
				requestTrace = this.tracer.currentSpan().context().traceId();
				varve.append("order-1", ExpectedVersion.noStream(), new Ordered("book"));
			}
			request.stop();
			RecordedEvent stored = varve.readEvent(1).orElseThrow();
			assertThat(stored.metadata()).containsEntry("X-B3-TraceId", requestTrace);
			varve.processors().start("shipping");
			varve.processors().awaitProcessed("shipping", 1, WAIT);
			assertThat(traceInHandler).containsExactly(requestTrace);
			MutableSpan append = span("varve append");
			MutableSpan handle = span("varve handle shipping");
			assertThat(append.traceId()).isEqualTo(requestTrace);
			assertThat(handle.traceId()).isEqualTo(requestTrace);
			assertThat(handle.parentId()).isEqualTo(append.id());
			assertThat(append.tags()).containsEntry("varve.category", "order")
				.containsEntry("varve.stream", "order-1")
				.containsEntry("varve.outcome", "success");
			assertThat(handle.tags()).containsEntry("varve.processor", "shipping")
				.containsEntry("varve.event.type", "Ordered")
				.containsEntry("varve.position", "1");
		}
	}

	@Test
	void appendsAndHandlerInvocationsAreTimedWithTheirOutcome() {
		try (Varve varve = open()) {
			varve.append("order-1", ExpectedVersion.noStream(), new Ordered("a"), new Ordered("b"));
			assertThatExceptionOfType(WrongExpectedVersionException.class)
				.isThrownBy(() -> varve.append("order-1", ExpectedVersion.noStream(), new Ordered("c")));
			varve.processors()
				.register(ProcessorDefinition.builder("picky")
					.errorPolicy(ErrorPolicy.PARK)
					.retryPolicy(RetryPolicy.none())
					.handler((event, context) -> {
						if (event.position() == 2) {
							throw new IllegalStateException("not this one");
						}
					})
					.build());
			varve.processors().start("picky");
			varve.processors().awaitProcessed("picky", 2, WAIT);
		}
		assertThat(timer("varve.store.append", Map.of("varve.outcome", "success", "varve.operation", "append")).count())
			.isEqualTo(1);
		assertThat(timer("varve.store.append", Map.of("varve.outcome", "conflict")).count()).isEqualTo(1);
		assertThat(timer("varve.processor.handle", Map.of("varve.processor", "picky", "error", "none")).count())
			.isEqualTo(1);
		assertThat(timer("varve.processor.handle", Map.of("varve.processor", "picky", "error", "IllegalStateException"))
			.count()).isEqualTo(1);
	}

	@Test
	void aNoopRegistryAddsNothingToTheEvents() {
		try (Varve varve = Varve.builder()
			.path(this.dir)
			.durability(Durability.NO_SYNC)
			.listener(new VarveObservations(ObservationRegistry.NOOP))
			.open()) {
			varve.append("order-1", ExpectedVersion.noStream(), new Ordered("book"));
			assertThat(varve.readEvent(1).orElseThrow().hasMetadata()).isFalse();
		}
		assertThat(this.spans).isEmpty();
	}

	private Varve open() {
		return Varve.builder()
			.path(this.dir)
			.durability(Durability.NO_SYNC)
			.listener(new VarveObservations(this.registry))
			.open();
	}

	private MutableSpan span(String name) {
		return this.spans.stream()
			.filter((span) -> name.equals(span.name()))
			.findFirst()
			.orElseThrow(() -> new AssertionError("No span named '" + name + "' in " + this.spans));
	}

	private Timer timer(String name, Map<String, String> tags) {
		var search = this.meters.get(name);
		for (Map.Entry<String, String> tag : tags.entrySet()) {
			search = search.tag(tag.getKey(), tag.getValue());
		}
		return search.timer();
	}

}

package io.varve.boot.actuate;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.health.contributor.Health;

import io.varve.Durability;
import io.varve.ExpectedVersion;
import io.varve.Varve;
import io.varve.processor.ErrorPolicy;
import io.varve.processor.ProcessorDefinition;
import io.varve.processor.ProcessorFailedException;
import io.varve.processor.RetryPolicy;
import io.varve.processor.StartPosition;
import io.varve.processor.UnknownProcessorException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The endpoint called directly, as over JMX: null for unknown names, exceptions for bad
 * arguments.
 */
class VarveEndpointTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	@TempDir
	Path dir;

	private Varve varve;

	record Noted(String text) {
	}

	@BeforeEach
	void open() {
		this.varve = Varve.builder().path(this.dir).durability(Durability.NO_SYNC).open();
		this.varve.processors().register(ProcessorDefinition.builder("counter").handler((event, context) -> {
		}).build());
		this.varve.append("note-1", ExpectedVersion.any(), new Noted("a"), new Noted("b"));
		this.varve.append("note-2", ExpectedVersion.any(), new Noted("c"));
		this.varve.processors().start("counter");
		this.varve.processors().awaitProcessed("counter", 3, WAIT);
	}

	@AfterEach
	void close() {
		this.varve.close();
	}

	@Test
	void readsAnyVarveImplementationThroughThePublicApiWithTheSameFigures() {
		Varve decorated = decorate(this.varve);
		assertThat(decorated).isNotInstanceOf(this.varve.getClass());
		VarveDescriptor direct = new VarveEndpoint(this.varve).varve();
		VarveDescriptor throughApi = new VarveEndpoint(decorated).varve();
		assertThat(throughApi.headPosition()).isEqualTo(direct.headPosition()).isEqualTo(3);
		assertThat(throughApi.streamCount()).isEqualTo(direct.streamCount()).isEqualTo(2);
		assertThat(throughApi.storage()).isEqualTo(direct.storage());
		assertThat(throughApi.snapshots()).isEqualTo(direct.snapshots());
		assertThat(direct.snapshots().count()).isZero();
		this.varve.snapshots().save("note-1", 2, 1, new Noted("state"), 1).join();
		assertThat(new VarveEndpoint(decorated).varve().snapshots().count()).isEqualTo(1);
		assertThat(new VarveEndpoint(decorated).varve().snapshots().bytes()).isPositive();
		assertThat(throughApi.processors()).hasSize(1);
		assertThat(throughApi.processors().get(0).checkpoint()).isEqualTo(3);
		assertThat(throughApi.processors().get(0).lag()).isZero();
		ProcessorDetailDescriptor detail = new VarveEndpoint(decorated).processor("counter", null, null);
		assertThat(detail.processor().name()).isEqualTo("counter");
		assertThat(detail.parkedEvents()).isEmpty();
		assertThat(new VarveEndpoint(decorated).processor("nobody", null, null)).isNull();
	}

	@Test
	void unknownNamesAndSectionsGiveNull() {
		VarveEndpoint endpoint = new VarveEndpoint(this.varve);
		assertThat(endpoint.section("nothing", null, null, null, null, null, null)).isNull();
		assertThat(endpoint.item("nothing", new String[] { "x" }, null, null)).isNull();
		assertThat(endpoint.item("streams", new String[] { "note-9" }, null, null)).isNull();
		assertThat(endpoint.item("processors", new String[] { "nobody" }, null, null)).isNull();
		assertThat(endpoint.item("streams", new String[] { "note-1" }, null, null))
			.isInstanceOfSatisfying(StreamDescriptor.class, (stream) -> assertThat(stream.version()).isEqualTo(2));
	}

	@Test
	void badArgumentsThrowInvalidEndpointRequestException() {
		VarveEndpoint endpoint = new VarveEndpoint(this.varve);
		assertThatExceptionOfType(InvalidEndpointRequestException.class).isThrownBy(() -> endpoint.stream(" padded "))
			.withMessageContaining("starts or ends with white space");
		assertThatExceptionOfType(InvalidEndpointRequestException.class)
			.isThrownBy(() -> endpoint.streams(null, null, 1001))
			.withMessage("limit must be between 1 and 1000, got 1001");
		assertThatExceptionOfType(InvalidEndpointRequestException.class)
			.isThrownBy(() -> endpoint.act("counter", "jump", null))
			.withMessageStartingWith("Unknown action 'jump'");
		assertThatExceptionOfType(UnknownProcessorException.class)
			.isThrownBy(() -> endpoint.act("nobody", "pause", null));
	}

	@Test
	void actionsAreCaseInsensitiveAndReportTheStatusAfterwards() {
		VarveEndpoint endpoint = new VarveEndpoint(this.varve);
		ProcessorActionDescriptor paused = endpoint.act("counter", "PAUSE", null);
		assertThat(paused.action()).isEqualTo("pause");
		assertThat(paused.status().state()).isEqualTo("PAUSED");
		assertThat(endpoint.act("counter", " resume ", null).status().state()).isEqualTo("RUNNING");
	}

	record Loose(String amount) {
	}

	record Strict(long amount) {
	}

	@Test
	void decodingErrorMessagesAreNotShownBecauseTheyMayQuoteEventData() {
		String marker = "sEcReT-4711";
		for (String name : new String[] { "stopper", "parker" }) {
			this.varve.processors()
				.register(ProcessorDefinition.builder(name)
					.retryPolicy(RetryPolicy.none())
					.errorPolicy(name.equals("parker") ? ErrorPolicy.PARK : ErrorPolicy.STOP)
					.startPosition(StartPosition.END)
					.handler((event, context) -> event.dataAs(Strict.class))
					.build());
		}
		this.varve.processors().startAll();
		long position = this.varve.append("loose-1", ExpectedVersion.any(), new Loose(marker)).lastPosition();
		assertThatExceptionOfType(ProcessorFailedException.class)
			.isThrownBy(() -> this.varve.processors().awaitProcessed("stopper", position, WAIT));
		this.varve.processors().awaitProcessed("parker", position, WAIT);
		// Jackson quotes the value it could not convert: the raw message holds the
		// marker.
		assertThat(this.varve.processors().status("stopper").lastError().message()).contains(marker);
		VarveEndpoint endpoint = new VarveEndpoint(this.varve);
		ProcessorDetailDescriptor parker = endpoint.processor("parker", null, null);
		assertThat(parker.parkedEvents()).singleElement()
			.satisfies((parked) -> assertThat(parked.error()).isEqualTo(ErrorMessages.DECODING_ERROR));
		assertThat(parker.processor().lastError().message()).isEqualTo(ErrorMessages.DECODING_ERROR);
		assertThat(endpoint.varve().toString()).doesNotContain(marker).contains(ErrorMessages.DECODING_ERROR);
		Health health = new VarveHealthIndicator(this.varve, List.of(), 0.9).health(true);
		assertThat(health.getDetails().get("problems")).asString()
			.doesNotContain(marker)
			.contains("processor 'stopper' is FAILED: at position " + position + ": " + ErrorMessages.DECODING_ERROR);
	}

	@Test
	void aParkStreamProcessorShowsItsHeldStreamsAndRetryAllReleasesThemInOrder() {
		java.util.Set<Long> failing = java.util.concurrent.ConcurrentHashMap.newKeySet();
		List<Long> handled = new java.util.concurrent.CopyOnWriteArrayList<>();
		this.varve.processors()
			.register(ProcessorDefinition.builder("ordered")
				.retryPolicy(RetryPolicy.none())
				.errorPolicy(ErrorPolicy.PARK_STREAM)
				.startPosition(StartPosition.END)
				.handler((event, context) -> {
					if (event.stream().equals("held-1") && failing.contains(event.version())) {
						throw new IllegalStateException("not yet");
					}
					handled.add(event.position());
				})
				.build());
		this.varve.processors().start("ordered");
		failing.add(2L);
		long parkedAt = 0;
		long last = 0;
		for (long version = 1; version <= 4; version++) {
			last = this.varve.append("held-1", ExpectedVersion.any(), new Strict(version)).lastPosition();
			if (version == 2) {
				parkedAt = last;
			}
			this.varve.append("free-1", ExpectedVersion.any(), new Strict(version));
		}
		this.varve.processors().awaitProcessed("ordered", this.varve.headPosition(), WAIT);
		VarveEndpoint endpoint = new VarveEndpoint(this.varve);
		ProcessorDetailDescriptor detail = endpoint.processor("ordered", null, null);
		assertThat(detail.heldStreams()).singleElement().satisfies((stream) -> {
			assertThat(stream.stream()).isEqualTo("held-1");
			assertThat(stream.held()).isEqualTo(2);
		});
		assertThat(detail.heldStreams().get(0).parkedPosition()).isEqualTo(parkedAt);
		assertThat(detail.parkedEvents()).filteredOn(ProcessorDetailDescriptor.ParkedEventDescriptor::held).hasSize(2);
		assertThat(detail.processor().lag()).isEqualTo(2);
		failing.clear();
		assertThat(endpoint.act("ordered", "retry", null).result()).contains("retried 1 parked events: 1 handled");
		assertThat(handled).containsSubsequence(parkedAt, last);
		assertThat(endpoint.processor("ordered", null, null).heldStreams()).isEmpty();
	}

	/** A Varve that forwards every call: not the store Varve.open builds. */
	private static Varve decorate(Varve target) {
		return (Varve) Proxy.newProxyInstance(Varve.class.getClassLoader(), new Class<?>[] { Varve.class },
				(proxy, method, args) -> {
					try {
						return method.invoke(target, args);
					}
					catch (InvocationTargetException ex) {
						throw ex.getCause();
					}
				});
	}

}

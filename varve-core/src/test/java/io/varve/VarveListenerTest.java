package io.varve;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.varve.processor.ProcessorDefinition;
import io.varve.processor.ProcessorStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class VarveListenerTest {

	private static final Duration WAIT = Duration.ofSeconds(20);

	@TempDir
	Path dir;

	record Deposited(long amount) {
	}

	record Audit(String user, String traceparent) {
	}

	record Ended(VarveListener.AppendStart start, VarveListener.AppendEnd end) {
	}

	/** Records every start and end. */
	static final class Recorder implements VarveListener {

		final List<Ended> appends = new CopyOnWriteArrayList<>();

		final List<Commit> commits = new CopyOnWriteArrayList<>();

		final List<String> registered = new CopyOnWriteArrayList<>();

		final List<String> handled = new CopyOnWriteArrayList<>();

		final List<Varve> opened = new CopyOnWriteArrayList<>();

		Map<String, String> metadata = Map.of();

		@Override
		public void opened(Varve varve) {
			this.opened.add(varve);
		}

		@Override
		public AppendScope appendStarted(AppendStart append) {
			Map<String, String> entries = this.metadata;
			return new AppendScope() {
				@Override
				public Map<String, String> metadata() {
					return entries;
				}

				@Override
				public void ended(AppendEnd end) {
					Recorder.this.appends.add(new Ended(append, end));
				}
			};
		}

		@Override
		public void committed(Commit commit) {
			this.commits.add(commit);
		}

		@Override
		public void processorRegistered(String name) {
			this.registered.add(name);
		}

		@Override
		public HandlerScope handlerStarted(HandlerStart handling) {
			Thread thread = Thread.currentThread();
			this.handled.add("start " + handling.processor() + "@" + handling.event().position());
			return (failure) -> this.handled.add("end " + handling.event().position() + " "
					+ ((failure != null) ? failure.getMessage() : "ok") + " " + (Thread.currentThread() == thread));
		}

	}

	@Test
	void everyAppendIsToldWithItsStreamsOutcomeEventsAndDuration() {
		Recorder recorder = new Recorder();
		try (Varve varve = Varve.builder().path(this.dir).listener(recorder).open()) {
			assertThat(recorder.opened).containsExactly(varve);
			varve.append("s-1", ExpectedVersion.noStream(), new Deposited(1), new Deposited(2));
			assertThatExceptionOfType(WrongExpectedVersionException.class)
				.isThrownBy(() -> varve.append("s-1", ExpectedVersion.noStream(), new Deposited(3)));
			assertThatExceptionOfType(InvalidStreamNameException.class)
				.isThrownBy(() -> varve.append("", ExpectedVersion.any(), new Deposited(3)));
			varve.transaction(StreamAppend.of("s-2", ExpectedVersion.any(), new Deposited(1)),
					StreamAppend.of("s-3", ExpectedVersion.any(), new Deposited(1), new Deposited(2)));
			assertThat(varve.appendAsync("s-1", ExpectedVersion.exact(9), new Deposited(1)))
				.failsWithin(5, TimeUnit.SECONDS)
				.withThrowableThat()
				.havingCause()
				.isInstanceOf(WrongExpectedVersionException.class);
		}
		assertThat(recorder.appends).extracting((ended) -> ended.end().outcome())
			.containsExactly(VarveListener.Outcome.SUCCESS, VarveListener.Outcome.CONFLICT, VarveListener.Outcome.ERROR,
					VarveListener.Outcome.SUCCESS, VarveListener.Outcome.CONFLICT);
		assertThat(recorder.appends).extracting((ended) -> ended.end().events()).containsExactly(2, 1, 1, 3, 1);
		assertThat(recorder.appends).extracting((ended) -> ended.start().streams())
			.containsExactly(List.of("s-1"), List.of("s-1"), List.of(""), List.of("s-2", "s-3"), List.of("s-1"));
		assertThat(recorder.appends).extracting((ended) -> ended.start().transaction())
			.containsExactly(false, false, false, true, false);
		assertThat(recorder.appends).extracting((ended) -> ended.start().async())
			.containsExactly(false, false, false, false, true);
		assertThat(recorder.appends.get(0).end().nanos()).isPositive();
		assertThat(recorder.appends.get(0).end().failure()).isNull();
		assertThat(recorder.appends.get(4).end().failure()).isInstanceOf(WrongExpectedVersionException.class);
		// Two appends committed, one group each: the conflicts and the bad name commit
		// nothing.
		assertThat(recorder.commits).extracting(VarveListener.Commit::events).contains(2, 3);
		assertThat(recorder.commits).extracting(VarveListener.Commit::headPosition).contains(2L, 5L);
		assertThat(recorder.commits.stream().mapToInt(VarveListener.Commit::events).sum()).isEqualTo(5);
	}

	@Test
	void metadataEntriesOfAListenerGoIntoEveryEventAndTheEventsOwnEntriesWin() {
		Recorder recorder = new Recorder();
		recorder.metadata = Map.of("traceparent", "00-abc-def-01");
		try (Varve varve = Varve.builder().path(this.dir).listener(recorder).open()) {
			varve.append("s-1", ExpectedVersion.any(),
					List.of(EventData.of(new Deposited(1)),
							EventData.of(new Deposited(2)).withMetadata(Map.of("user", "alice")),
							EventData.of(new Deposited(3)).withMetadata(Map.of("traceparent", "mine")),
							EventData.of(new Deposited(4)).withMetadata(new Audit("bob", null)),
							EventData.of(new Deposited(5)).withMetadata("a bare string")));
			varve.transaction(StreamAppend.of("s-2", ExpectedVersion.any(), new Deposited(6)));
			List<RecordedEvent> events = varve.readAll(0, 10);
			assertThat(events.get(0).metadata()).isEqualTo(Map.of("traceparent", "00-abc-def-01"));
			assertThat(events.get(1).metadata()).isEqualTo(Map.of("user", "alice", "traceparent", "00-abc-def-01"));
			assertThat(events.get(2).metadata()).isEqualTo(Map.of("traceparent", "mine"));
			assertThat(events.get(3).metadataAs(Audit.class)).isEqualTo(new Audit("bob", "00-abc-def-01"));
			assertThat(events.get(4).metadataAs(String.class)).isEqualTo("a bare string");
			assertThat(events.get(5).metadata()).isEqualTo(Map.of("traceparent", "00-abc-def-01"));
		}
	}

	@Test
	void withoutEntriesAnEventsMetadataIsStoredAsGiven() {
		try (Varve varve = Varve.builder().path(this.dir).listener(new Recorder()).open()) {
			varve.append("s-1", ExpectedVersion.any(), List.of(EventData.of(new Deposited(1))));
			assertThat(varve.readAll(0, 10).get(0).hasMetadata()).isFalse();
		}
	}

	@Test
	void aFailingListenerNeverFailsTheWorkItWasToldAbout() {
		VarveListener failing = new VarveListener() {
			@Override
			public void opened(Varve varve) {
				throw new IllegalStateException("opened");
			}

			@Override
			public AppendScope appendStarted(AppendStart append) {
				throw new IllegalStateException("appendStarted");
			}

			@Override
			public void committed(Commit commit) {
				throw new IllegalStateException("committed");
			}

			@Override
			public HandlerScope handlerStarted(HandlerStart handling) {
				return (failure) -> {
					throw new IllegalStateException("ended");
				};
			}
		};
		Recorder recorder = new Recorder();
		try (Varve varve = Varve.builder().path(this.dir).listener(failing).listener(recorder).open()) {
			AppendResult result = varve.append("s-1", ExpectedVersion.any(), new Deposited(1));
			assertThat(result.lastPosition()).isEqualTo(1);
			varve.processors().register(ProcessorDefinition.builder("p").handler((event, context) -> {
			}).build());
			varve.processors().start("p");
			varve.processors().awaitProcessed("p", 1, WAIT);
			assertThat(varve.processors().status("p").eventsHandled()).isEqualTo(1);
		}
		assertThat(recorder.appends).hasSize(1);
		assertThat(recorder.opened).hasSize(1);
	}

	@Test
	void handlerScopesWrapEachInvocationOnTheProcessorsThreadAndSeeItsFailure() {
		Recorder recorder = new Recorder();
		try (Varve varve = Varve.builder().path(this.dir).listener(recorder).open()) {
			varve.append("s-1", ExpectedVersion.any(), new Deposited(1), new Deposited(2));
			varve.processors()
				.register(ProcessorDefinition.builder("fussy")
					.errorPolicy(io.varve.processor.ErrorPolicy.PARK)
					.retryPolicy(io.varve.processor.RetryPolicy.none())
					.handler((event, context) -> {
						if (event.position() == 2) {
							throw new IllegalArgumentException("no twos");
						}
					})
					.build());
			assertThat(recorder.registered).containsExactly("fussy");
			varve.processors().start("fussy");
			varve.processors().awaitProcessed("fussy", 2, WAIT);
		}
		assertThat(recorder.handled).containsExactly("start fussy@1", "end 1 ok true", "start fussy@2",
				"end 2 no twos true");
	}

	@Test
	void theOverviewReadsHeadStreamsStorageAndProcessorsFromOneSnapshot() {
		try (Varve varve = Varve.builder().path(this.dir).open()) {
			varve.append("a-1", ExpectedVersion.any(), new Deposited(1), new Deposited(2));
			varve.append("b-1", ExpectedVersion.any(), new Deposited(3));
			varve.processors().register(ProcessorDefinition.builder("slow").handler((event, context) -> {
			}).build());
			varve.processors().register(ProcessorDefinition.builder("idle").handler((event, context) -> {
			}).build());
			StoreOverview overview = varve.overview();
			assertThat(overview.headPosition()).isEqualTo(3);
			assertThat(overview.streamCount()).isEqualTo(2);
			assertThat(overview.storeInfo().path()).isEqualTo(this.dir);
			assertThat(overview.processors()).extracting(ProcessorStatus::name).containsExactly("slow", "idle");
			assertThat(overview.processors()).extracting(ProcessorStatus::lag).containsExactly(3L, 3L);
			assertThat(overview.processors()).extracting(ProcessorStatus::headPosition).containsExactly(3L, 3L);
		}
	}

	@Test
	void anEventTypesNameIsItsAnnotationOrItsSimpleName() {
		@EventType("money-deposited")
		record Named(long amount) {
		}
		assertThat(EventTypes.nameOf(Deposited.class)).isEqualTo("Deposited");
		assertThat(EventTypes.nameOf(Named.class)).isEqualTo("money-deposited");
		assertThatExceptionOfType(InvalidArgumentException.class).isThrownBy(() -> EventTypes.nameOf(null));
		assertThatExceptionOfType(InvalidArgumentException.class).isThrownBy(() -> EventTypes.nameOf(String.class));
	}

	@Test
	void listenersAreToldInTheOrderTheyWereAdded() {
		List<String> told = Collections.synchronizedList(new ArrayList<>());
		VarveListener first = new VarveListener() {
			@Override
			public void committed(Commit commit) {
				told.add("first");
			}
		};
		VarveListener second = new VarveListener() {
			@Override
			public void committed(Commit commit) {
				told.add("second");
			}
		};
		try (Varve varve = Varve.builder().path(this.dir).listener(first).listener(second).open()) {
			varve.append("s-1", ExpectedVersion.any(), new Deposited(1));
		}
		assertThat(told).containsExactly("first", "second");
		assertThatExceptionOfType(InvalidArgumentException.class).isThrownBy(() -> Varve.builder().listener(null));
	}

}

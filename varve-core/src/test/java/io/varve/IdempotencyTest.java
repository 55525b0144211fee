package io.varve;

import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.varve.TestEvents.Deposited;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class IdempotencyTest {

	@TempDir
	Path dir;

	Varve varve;

	@BeforeEach
	void open() {
		this.varve = Varve.open(this.dir);
	}

	@AfterEach
	void close() {
		this.varve.close();
	}

	private static List<EventData> events(UUID... ids) {
		return java.util.Arrays.stream(ids).map((id) -> EventData.of(new Deposited(1)).withId(id)).toList();
	}

	@Test
	void retryingAnAppendReturnsTheOriginalResultAndWritesNothing() {
		UUID a = UUID.randomUUID();
		UUID b = UUID.randomUUID();
		AppendResult original = this.varve.append("s-1", ExpectedVersion.noStream(), events(a, b));
		this.varve.append("s-2", ExpectedVersion.any(), new Deposited(9));
		AppendResult retried = this.varve.append("s-1", ExpectedVersion.noStream(), events(a, b));
		assertThat(retried).isEqualTo(original);
		assertThat(this.varve.headPosition()).isEqualTo(3);
		assertThat(this.varve.streamInfo("s-1")).map(StreamInfo::version).contains(2L);
	}

	@Test
	void retryWithExactVersionMatchesTheOriginalPlace() {
		this.varve.append("s-1", ExpectedVersion.noStream(), new Deposited(0));
		UUID a = UUID.randomUUID();
		AppendResult original = this.varve.append("s-1", ExpectedVersion.exact(1), events(a));
		this.varve.append("s-1", ExpectedVersion.exact(2), new Deposited(2));
		assertThat(this.varve.append("s-1", ExpectedVersion.exact(1), events(a))).isEqualTo(original);
		assertThatExceptionOfType(WrongExpectedVersionException.class)
			.isThrownBy(() -> this.varve.append("s-1", ExpectedVersion.exact(2), events(a)));
		assertThat(this.varve.headPosition()).isEqualTo(3);
	}

	@Test
	void aNoStreamRetryIsAcceptedOnlyForIdsStoredFromVersionOne() {
		this.varve.append("s-1", ExpectedVersion.noStream(), new Deposited(0));
		UUID a = UUID.randomUUID();
		UUID b = UUID.randomUUID();
		this.varve.append("s-1", ExpectedVersion.exact(1), events(a, b));
		assertThatExceptionOfType(WrongExpectedVersionException.class)
			.isThrownBy(() -> this.varve.append("s-1", ExpectedVersion.noStream(), events(a, b)))
			.satisfies((ex) -> {
				assertThat(ex.expected()).isEqualTo(ExpectedVersion.noStream());
				assertThat(ex.actualVersion()).isEqualTo(3);
			});
		assertThat(this.varve.headPosition()).isEqualTo(3);
	}

	@Test
	void aRetryWhoseExpectationHoldsNowButCouldNotHavePlacedTheIdsIsADuplicate() {
		UUID a = UUID.randomUUID();
		this.varve.append("s-1", ExpectedVersion.noStream(), events(a));
		// An append expecting the stream to exist cannot have written its version 1.
		assertThatExceptionOfType(DuplicateEventIdException.class)
			.isThrownBy(() -> this.varve.append("s-1", ExpectedVersion.streamExists(), events(a)))
			.withMessageContaining("already stored at versions 1 to 1 of 's-1'")
			.withMessageContaining("streamExists()");
		this.varve.append("s-1", ExpectedVersion.exact(1), new Deposited(2));
		// Nor an append expecting version 2 its version 1, although the stream is at 2.
		assertThatExceptionOfType(DuplicateEventIdException.class)
			.isThrownBy(() -> this.varve.append("s-1", ExpectedVersion.exact(2), events(a)))
			.withMessageContaining("exact(2)");
		UUID c = UUID.randomUUID();
		AppendResult third = this.varve.append("s-1", ExpectedVersion.streamExists(), events(c));
		assertThat(this.varve.append("s-1", ExpectedVersion.streamExists(), events(c))).isEqualTo(third);
		assertThat(this.varve.headPosition()).isEqualTo(3);
	}

	@Test
	void retryWithAnyMatchesWhereverTheEventsAre() {
		UUID a = UUID.randomUUID();
		AppendResult original = this.varve.append("s-1", ExpectedVersion.any(), events(a));
		this.varve.append("s-1", ExpectedVersion.any(), new Deposited(2));
		assertThat(this.varve.append("s-1", ExpectedVersion.any(), events(a))).isEqualTo(original);
	}

	@Test
	void partialOverlapIsAnErrorAndWritesNothing() {
		UUID a = UUID.randomUUID();
		UUID b = UUID.randomUUID();
		this.varve.append("s-1", ExpectedVersion.any(), events(a));
		assertThatExceptionOfType(DuplicateEventIdException.class)
			.isThrownBy(() -> this.varve.append("s-1", ExpectedVersion.any(), events(a, b)))
			.withMessageContaining(a.toString())
			.withMessageContaining("new ids");
		assertThat(this.varve.headPosition()).isEqualTo(1);
	}

	@Test
	void anIdStoredInAnotherStreamIsAnError() {
		UUID a = UUID.randomUUID();
		this.varve.append("s-1", ExpectedVersion.any(), events(a));
		assertThatExceptionOfType(DuplicateEventIdException.class)
			.isThrownBy(() -> this.varve.append("s-2", ExpectedVersion.any(), events(a)))
			.withMessageContaining("use a new id");
		assertThat(this.varve.streamInfo("s-2")).isEmpty();
	}

	@Test
	void idsOutOfTheirOriginalOrderAreAnError() {
		UUID a = UUID.randomUUID();
		UUID b = UUID.randomUUID();
		this.varve.append("s-1", ExpectedVersion.any(), events(a, b));
		assertThatExceptionOfType(DuplicateEventIdException.class)
			.isThrownBy(() -> this.varve.append("s-1", ExpectedVersion.any(), events(b, a)));
		assertThat(this.varve.headPosition()).isEqualTo(2);
	}

	@Test
	void theSameIdTwiceInOneCallIsRejectedBeforeAnythingIsQueued() {
		UUID a = UUID.randomUUID();
		assertThatExceptionOfType(DuplicateEventIdException.class)
			.isThrownBy(() -> this.varve.append("s-1", ExpectedVersion.any(), events(a, a)))
			.withMessageContaining("more than once");
		assertThat(this.varve.headPosition()).isZero();
	}

	@Test
	void concurrentRetriesOfOneAppendWriteItOnce() throws Exception {
		UUID a = UUID.randomUUID();
		UUID b = UUID.randomUUID();
		int threads = 16;
		java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
		try {
			java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
			List<java.util.concurrent.Future<AppendResult>> results = new java.util.ArrayList<>();
			for (int i = 0; i < threads; i++) {
				results.add(pool.submit(() -> {
					start.await();
					return this.varve.append("s-1", ExpectedVersion.noStream(), events(a, b));
				}));
			}
			start.countDown();
			AppendResult first = results.get(0).get();
			for (java.util.concurrent.Future<AppendResult> result : results) {
				assertThat(result.get()).isEqualTo(first);
			}
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(this.varve.headPosition()).isEqualTo(2);
	}

	@Test
	void idempotentTransactionRetryReturnsTheOriginalResult() {
		UUID a = UUID.randomUUID();
		UUID b = UUID.randomUUID();
		List<StreamAppend> parts = List.of(new StreamAppend("s-1", ExpectedVersion.noStream(), events(a)),
				new StreamAppend("s-2", ExpectedVersion.noStream(), events(b)));
		TransactionResult original = this.varve.transaction(parts);
		assertThat(this.varve.transaction(parts)).isEqualTo(original);
		assertThat(this.varve.headPosition()).isEqualTo(2);
	}

	@Test
	void transactionRetryWithSomeNewStreamsIsAnError() {
		UUID a = UUID.randomUUID();
		this.varve.transaction(List.of(new StreamAppend("s-1", ExpectedVersion.noStream(), events(a))));
		assertThatExceptionOfType(DuplicateEventIdException.class).isThrownBy(
				() -> this.varve.transaction(List.of(new StreamAppend("s-1", ExpectedVersion.noStream(), events(a)),
						new StreamAppend("s-2", ExpectedVersion.noStream(), events(UUID.randomUUID())))));
		assertThat(this.varve.headPosition()).isEqualTo(1);
	}

}

package io.varve.core;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.annotation.JsonValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.varve.AppendResult;
import io.varve.ExpectedVersion;
import io.varve.Varve;
import io.varve.WrongExpectedVersionException;

import static org.assertj.core.api.Assertions.assertThat;

class GroupCommitTest {

	@TempDir
	Path dir;

	record Deposited(long amount) {
	}

	/** Serialises to the name of the thread that serialised it. */
	static final class ThreadSpy {

		@JsonValue
		public String thread() {
			return Thread.currentThread().getName();
		}

	}

	@Test
	void requestsQueuedWhileTheWriterIsBusyCommitTogetherAndAConflictFailsOnlyItself() throws Exception {
		try (DefaultVarve varve = (DefaultVarve) Varve.open(this.dir)) {
			WriterGate gate = WriterGate.hold(varve, new Deposited(0));

			// The writer is held in the listener: everything below queues up as one
			// group.
			List<CompletableFuture<AppendResult>> good = new ArrayList<>();
			for (int i = 0; i < 20; i++) {
				good.add(varve.appendAsync("s-" + i, ExpectedVersion.noStream(), new Deposited(i)));
			}
			CompletableFuture<AppendResult> conflicting = varve.appendAsync("gate", ExpectedVersion.noStream(),
					new Deposited(99));
			for (int i = 20; i < 40; i++) {
				good.add(varve.appendAsync("s-" + i, ExpectedVersion.noStream(), new Deposited(i)));
			}
			gate.release();

			for (CompletableFuture<AppendResult> future : good) {
				assertThat(future.get(10, TimeUnit.SECONDS).version()).isEqualTo(1);
			}
			assertThat(conflicting).failsWithin(java.time.Duration.ofSeconds(10))
				.withThrowableThat()
				.havingCause()
				.isInstanceOf(WrongExpectedVersionException.class);
			assertThat(gate.commits()).anySatisfy((commit) -> {
				assertThat(commit.requests()).isEqualTo(40);
				assertThat(commit.failures()).isEqualTo(1);
				assertThat(commit.events()).isEqualTo(40);
				assertThat(commit.headPosition()).isEqualTo(41);
			});
			assertThat(varve.headPosition()).isEqualTo(41);
		}
	}

	@Test
	void eventsAreSerialisedOnTheCallersThreadNotTheWriter() {
		try (Varve varve = Varve.open(this.dir)) {
			varve.append("s-1", ExpectedVersion.any(), new ThreadSpy());
			String serialisedOn = varve.readStream("s-1", 1, 1).get(0).dataAs(String.class);
			assertThat(serialisedOn).isEqualTo(Thread.currentThread().getName()).doesNotContain("varve-writer");
		}
	}

}

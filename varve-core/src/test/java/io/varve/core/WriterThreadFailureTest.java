package io.varve.core;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.varve.AppendResult;
import io.varve.ExpectedVersion;
import io.varve.RecordedEvent;
import io.varve.StorageException;
import io.varve.Varve;
import io.varve.core.verify.StoreCheck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * An error escaping the writer thread (here from a commit listener; in life an
 * {@link OutOfMemoryError}, say) while a batch holds acknowledged groups: nobody may be
 * left waiting for the dead thread. The group's callers and everything queued fail with
 * the cause, later appends fail at once, reads see every acknowledged append, the store
 * closes, and opening it again brings everything back and writing with it.
 */
class WriterThreadFailureTest {

	record Noted(int index) {
	}

	/** Thrown by the commit listener once armed. */
	static final class InjectedError extends Error {

		private static final long serialVersionUID = 1L;

		InjectedError() {
			super("injected into the writer thread");
		}

	}

	@TempDir
	Path dir;

	@Test
	void anErrorOnTheWriterThreadFailsWhatWaitsForItAndLosesNothingAcknowledged() throws Exception {
		int acknowledged = 20;
		int queued = 30;
		assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
			try (DefaultVarve varve = (DefaultVarve) Varve.builder().path(this.dir).eventTypes(Noted.class).open()) {
				// The batch stays open: the acknowledged groups are in it and the
				// journal.
				varve.groupWriter().publishInterval(Duration.ofHours(1));
				for (int i = 0; i < acknowledged; i++) {
					varve.appendAsync("s", ExpectedVersion.exact(i), new Noted(i)).get(10, TimeUnit.SECONDS);
				}
				AtomicBoolean armed = new AtomicBoolean(true);
				varve.groupWriter().addListener((commit) -> {
					if (armed.getAndSet(false)) {
						throw new InjectedError();
					}
				});
				// Queued appends: the writer thread commits them, and the first group's
				// listener call kills it. Those queued by then fail through their
				// futures;
				// once the writer has stopped, appendAsync itself refuses.
				List<CompletableFuture<AppendResult>> pending = new ArrayList<>();
				List<Throwable> failures = new ArrayList<>();
				for (int i = 0; i < queued; i++) {
					try {
						pending.add(varve.appendAsync("q-" + i, ExpectedVersion.noStream(), new Noted(i)));
					}
					catch (StorageException ex) {
						failures.add(ex);
					}
				}
				for (CompletableFuture<AppendResult> future : pending) {
					try {
						future.get(10, TimeUnit.SECONDS);
					}
					catch (ExecutionException ex) {
						failures.add(ex.getCause());
					}
				}
				assertThat(failures).as("appends failed with the writer thread's error").isNotEmpty();
				for (Throwable failure : failures) {
					assertThat(failure).isInstanceOf(StorageException.class)
						.hasMessageContaining("writer thread")
						.hasMessageContaining("open it again")
						.hasRootCauseInstanceOf(InjectedError.class);
				}
				assertThat(armed).as("the listener threw").isFalse();

				// Later appends fail at once, with the cause; on the caller's thread too.
				assertThatThrownBy(() -> varve.append("s", ExpectedVersion.exact(acknowledged), new Noted(-1)))
					.isInstanceOf(StorageException.class)
					.hasMessageContaining("writer thread");

				// Reads see every acknowledged append, brought back from the journal.
				List<RecordedEvent> stream = varve.readStream("s", 1, 1000);
				assertThat(stream).hasSize(acknowledged);
				for (int i = 0; i < acknowledged; i++) {
					assertThat(stream.get(i).dataAs(Noted.class)).isEqualTo(new Noted(i));
				}
			}
			try (Varve reopened = Varve.builder().path(this.dir).eventTypes(Noted.class).open()) {
				assertThat(StoreCheck.run(reopened).breaches()).isEmpty();
				assertThat(reopened.readStream("s", 1, 1000)).hasSize(acknowledged);
				List<RecordedEvent> all = reopened.readAll(1, 1000);
				assertThat(all).extracting(RecordedEvent::position).containsExactlyElementsOf(positions(all.size()));
				assertThat(reopened.append("s", ExpectedVersion.exact(acknowledged), new Noted(acknowledged))
					.firstPosition()).isEqualTo(all.size() + 1);
			}
		});
	}

	private static List<Long> positions(int count) {
		List<Long> positions = new ArrayList<>();
		for (long p = 1; p <= count; p++) {
			positions.add(p);
		}
		return positions;
	}

}

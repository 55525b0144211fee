package io.varve.core.lmdb;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.varve.AppendResult;
import io.varve.ExpectedVersion;
import io.varve.RecordedEvent;
import io.varve.StorageException;
import io.varve.Varve;
import io.varve.core.DefaultVarve;
import io.varve.core.verify.StoreCheck;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A batch of acknowledged groups whose LMDB commit fails: its groups are safe in the
 * journal, and are brought into the tables from there before anything else is written.
 */
class BatchPublishTest {

	record Noted(String stream, int index) {
	}

	@TempDir
	Path dir;

	@Test
	void aBatchWhoseCommitFailsIsBroughtInFromTheJournalAndNothingIsLost() throws Exception {
		Path store = this.dir.resolve("store");
		try (DefaultVarve varve = (DefaultVarve) Varve.builder().path(store).eventTypes(Noted.class).open()) {
			LmdbStorageEngine engine = (LmdbStorageEngine) varve.storage();
			varve.groupWriter().publishInterval(Duration.ofHours(1));
			// Queued appends, so that the writer commits them into one open batch.
			List<CompletableFuture<AppendResult>> appended = new ArrayList<>();
			for (int i = 0; i < 40; i++) {
				appended
					.add(varve.appendAsync("s-" + (i % 4), ExpectedVersion.exact(i / 4), new Noted("s-" + (i % 4), i)));
			}
			for (CompletableFuture<AppendResult> future : appended) {
				future.get(10, TimeUnit.SECONDS);
			}
			engine.failNextPublish(new StorageException("injected: LMDB refused the batch's commit"));

			// The read asks for the batch; its commit fails, and the journal brings it
			// in.
			List<RecordedEvent> all = varve.readAll(1, 100);
			assertThat(all).hasSize(40);
			assertThat(all).extracting(RecordedEvent::position).containsExactlyElementsOf(positions(1, 40));
			assertThat(engine.batchLost()).isFalse();
			for (int i = 0; i < 40; i++) {
				assertThat(all.get(i).dataAs(Noted.class)).isEqualTo(new Noted("s-" + (i % 4), i));
			}
			// Writing goes on from where the journal left the tables.
			assertThat(varve.append("s-0", ExpectedVersion.exact(10), new Noted("s-0", 40)).firstPosition())
				.isEqualTo(41);
		}
		try (Varve reopened = Varve.builder().path(store).eventTypes(Noted.class).open()) {
			assertThat(reopened.headPosition()).isEqualTo(41);
			assertThat(reopened.readStream("s-0", 1, 100)).hasSize(11);
			assertThat(StoreCheck.run(reopened).breaches()).isEmpty();
		}
	}

	private static List<Long> positions(long from, long to) {
		List<Long> positions = new ArrayList<>();
		for (long p = from; p <= to; p++) {
			positions.add(p);
		}
		return positions;
	}

}

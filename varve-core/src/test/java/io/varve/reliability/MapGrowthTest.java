package io.varve.reliability;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.varve.AppendResult;
import io.varve.ExpectedVersion;
import io.varve.RecordedEvent;
import io.varve.StoreFullException;
import io.varve.Varve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The map grows by itself, under readers, without the user ever seeing LMDB's map-full
 * error; at the configured maximum an append fails with {@link StoreFullException},
 * changes nothing, and the store keeps working.
 */
class MapGrowthTest {

	private static final long MIB = 1024 * 1024;

	@TempDir
	Path dir;

	@Test
	void appendingTensOfMebibytesIntoAOneMebibyteMapJustWorks() throws Exception {
		Path store = this.dir.resolve("store");
		StoreVerifier.Contents written;
		try (Varve varve = Varve.builder().path(store).mapSize(MIB).open()) {
			AtomicBoolean stop = new AtomicBoolean();
			Semaphore reads = new Semaphore(0);
			AtomicReference<Throwable> readFailure = new AtomicReference<>();
			Thread reader = new Thread(() -> readWhileGrowing(varve, stop, reads, readFailure));
			reader.start();
			int growths = 0;
			try {
				long mapSize = varve.storeInfo().mapSize();
				for (int batch = 0; batch < 300; batch++) {
					List<Object> events = new ArrayList<>();
					for (int i = 0; i < 20; i++) {
						events.add(Filler.of(batch * 20L + i, (i % 5 == 0) ? 20_000 : 2_000));
					}
					varve.append("bulk-" + (batch % 13), ExpectedVersion.any(), events.toArray());
					if (varve.storeInfo().mapSize() != mapSize) {
						// Reads go on across every growth: one more completes before the
						// next batch, whatever the scheduling.
						growths++;
						mapSize = varve.storeInfo().mapSize();
						reads.drainPermits();
						assertThat(reads.tryAcquire(60, TimeUnit.SECONDS)).as("a read after growth %d", growths)
							.isTrue();
					}
				}
			}
			finally {
				stop.set(true);
				reader.join();
			}
			assertThat(readFailure.get()).as("reads while the map grew").isNull();
			// From 1 MiB to 64 MiB.
			assertThat(growths).as("growths").isEqualTo(6);
			assertThat(varve.storeInfo().usedBytes()).as("bytes used").isGreaterThan(40 * MIB);
			assertThat(varve.storeInfo().mapSize()).as("map size").isGreaterThanOrEqualTo(64 * MIB);
			written = StoreVerifier.verify(varve);
		}
		try (Varve reopened = Varve.open(store)) {
			StoreVerifier.Contents read = StoreVerifier.verify(reopened);
			assertThat(read.digest()).as("contents after reopening").isEqualTo(written.digest());
			assertThat(reopened.readEvent(6000).orElseThrow().dataAs(Filler.class).index()).isEqualTo(5999);
		}
	}

	private static void readWhileGrowing(Varve varve, AtomicBoolean stop, Semaphore reads,
			AtomicReference<Throwable> failure) {
		try {
			while (!stop.get()) {
				long head = varve.headPosition();
				if (head > 0) {
					RecordedEvent last = varve.readEvent(head).orElseThrow();
					assertThat(last.position()).isEqualTo(head);
					last.dataAs(Filler.class);
					List<RecordedEvent> first = varve.readAll(0, 50);
					assertThat(first.get(0).position()).isEqualTo(1);
					reads.release();
				}
			}
		}
		catch (Throwable ex) {
			failure.set(ex);
		}
	}

	@Test
	void reachingTheMaximumSizeFailsTheAppendChangesNothingAndTheStoreKeepsWorking() throws Exception {
		Path store = this.dir.resolve("store");
		try (Varve varve = Varve.builder().path(store).mapSize(MIB).maxMapSize(4 * MIB).open()) {
			// Fill with 64 KiB events until the store is full.
			StoreFullException full = null;
			for (int i = 0; i < 1000 && full == null; i++) {
				try {
					varve.append("fill", ExpectedVersion.any(), Filler.of(i, 64 * 1024));
				}
				catch (StoreFullException ex) {
					full = ex;
				}
			}
			assertThat(full).as("store full within 1000 appends").isNotNull();
			assertThat(full).hasMessageContaining("maximum size of " + (4 * MIB) + " bytes")
				.hasMessageContaining("the append was not written")
				.hasMessageContaining("VarveBuilder.maxMapSize");
			assertThat(varve.storeInfo().mapSize()).isEqualTo(4 * MIB);

			StoreVerifier.Contents before = StoreVerifier.verify(varve);
			assertThatThrownBy(() -> varve.append("big", ExpectedVersion.noStream(), Filler.of(0, 512 * 1024),
					Filler.of(1, 512 * 1024)))
				.isInstanceOf(StoreFullException.class);
			StoreVerifier.Contents after = StoreVerifier.verify(varve);
			assertThat(after.digest()).as("contents after the failed append").isEqualTo(before.digest());
			assertThat(varve.streamInfo("big")).isEmpty();

			// Reads work, and an append that fits still succeeds.
			assertThat(varve.readStream("fill", 1, 5)).hasSize(5);
			AppendResult small = varve.append("small", ExpectedVersion.noStream(), Filler.of(1, 10));
			assertThat(small.firstPosition()).isEqualTo(before.head() + 1);

			// A request that does not fit fails, and one that fits still commits (that
			// they
			// do so within one group is GroupCommitTest's).
			CompletableFuture<AppendResult> tooBig = varve.appendAsync("big", ExpectedVersion.noStream(),
					Filler.of(0, 1000 * 1000), Filler.of(1, 1000 * 1000));
			CompletableFuture<AppendResult> fits = varve.appendAsync("small", ExpectedVersion.exact(1),
					Filler.of(2, 10));
			assertThatThrownBy(() -> tooBig.get(60, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
				.hasCauseInstanceOf(StoreFullException.class);
			assertThat(fits.get(60, TimeUnit.SECONDS).version()).isEqualTo(2);
		}
		try (Varve reopened = Varve.builder().path(store).maxMapSize(4 * MIB).open()) {
			StoreVerifier.verify(reopened);
			assertThat(reopened.streamInfo("small").orElseThrow().version()).isEqualTo(2);
		}
	}

}

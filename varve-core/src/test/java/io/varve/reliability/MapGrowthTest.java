package io.varve.reliability;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.varve.AppendResult;
import io.varve.ExpectedVersion;
import io.varve.RecordedEvent;
import io.varve.StoreFullException;
import io.varve.Varve;
import io.varve.core.verify.StoreCheck;

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

	/**
	 * An OS crash puts the data file back to its last checkpoint and the journal replays
	 * what came after; when that needs a larger map than the checkpoint's, the open grows
	 * it as the writer did. Past the maximum the open fails with
	 * {@link StoreFullException}, and a later open with a larger maximum still finds
	 * everything: the failed replay must not have overwritten the checkpoint's pages.
	 */
	@Test
	void replayingAJournalThatNeedsALargerMapGrowsTheMapAtOpen() throws Exception {
		Path image = this.dir.resolve("image");
		List<byte[]> written = crashImageNeedingALargerMap(this.dir.resolve("store"), image);
		Path second = this.dir.resolve("image-2");
		copy(image, second);

		try (Varve reopened = Varve.builder().path(image).mapSize(MIB).open()) {
			assertBackByteForByte(reopened, written);
			assertThat(reopened.storeInfo().mapSize()).as("map size after the replay").isGreaterThan(4 * MIB);
		}

		assertThatThrownBy(() -> Varve.builder().path(second).mapSize(MIB).maxMapSize(4 * MIB).open().close())
			.isInstanceOf(StoreFullException.class)
			.hasMessageContaining("journal")
			.hasMessageContaining("varve.max-map-size");
		try (Varve reopened = Varve.builder().path(second).mapSize(MIB).open()) {
			assertBackByteForByte(reopened, written);
		}
	}

	private static void assertBackByteForByte(Varve varve, List<byte[]> written) {
		StoreCheck.Report check = StoreCheck.run(varve);
		assertThat(check.ok()).as("varve verify finds %s", check.breaches()).isTrue();
		List<RecordedEvent> events = varve.readAll(0, written.size() + 1);
		assertThat(events).hasSize(written.size());
		for (int i = 0; i < written.size(); i++) {
			assertThat(events.get(i).envelope()).as("event at position %d", i + 1).isEqualTo(written.get(i));
		}
	}

	/**
	 * What an OS crash leaves of a store that took 8 MiB into a 1 MiB map after its first
	 * checkpoint: the data file and checkpoint of that moment, the journal as the
	 * acknowledged appends flushed it. Tried again if a checkpoint came in between.
	 * @return the acknowledged events' envelopes, in position order
	 */
	private static List<byte[]> crashImageNeedingALargerMap(Path store, Path image) throws Exception {
		for (int attempt = 1;; attempt++) {
			PowerCutTest.delete(store);
			PowerCutTest.delete(image);
			Files.createDirectories(image);
			Files.setPosixFilePermissions(image, PosixFilePermissions.fromString("rwx------"));
			List<byte[]> written = new ArrayList<>();
			boolean checkpointBetween;
			try (Varve varve = Varve.builder().path(store).mapSize(MIB).preallocate(false).open()) {
				copyFile(store, image, "data.mdb");
				byte[] checkpoint = copyFile(store, image, "checkpoint");
				for (int append = 0; append < 16; append++) {
					List<Object> events = new ArrayList<>();
					for (int i = 0; i < 100; i++) {
						events.add(Filler.of(append * 100L + i, 5000));
					}
					varve.append("bulk-" + (append % 3), ExpectedVersion.any(), events.toArray());
				}
				try (Stream<Path> files = Files.list(store)) {
					for (Path file : files.toList()) {
						if (file.getFileName().toString().startsWith("journal-")) {
							copyFile(store, image, file.getFileName().toString());
						}
					}
				}
				checkpointBetween = !Arrays.equals(checkpoint, Files.readAllBytes(store.resolve("checkpoint")));
				varve.readAll(0, 2000).forEach((event) -> written.add(event.envelope()));
			}
			if (!checkpointBetween) {
				return written;
			}
			assertThat(attempt).as("attempts before one had no checkpoint between the first and the crash")
				.isLessThan(5);
		}
	}

	private static byte[] copyFile(Path from, Path to, String name) throws Exception {
		byte[] content = Files.readAllBytes(from.resolve(name));
		Path copy = Files.write(to.resolve(name), content);
		Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-------"));
		return content;
	}

	private static void copy(Path from, Path to) throws Exception {
		Files.createDirectories(to);
		Files.setPosixFilePermissions(to, PosixFilePermissions.fromString("rwx------"));
		try (Stream<Path> files = Files.list(from)) {
			for (Path file : files.toList()) {
				copyFile(from, to, file.getFileName().toString());
			}
		}
	}

}

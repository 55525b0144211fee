package io.varve.core.lmdb;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.varve.DiskFullException;
import io.varve.Durability;
import io.varve.EventData;
import io.varve.ExpectedVersion;
import io.varve.RecordedEvent;
import io.varve.Varve;
import io.varve.core.DefaultVarve;
import io.varve.core.durability.DurabilityPolicy;
import io.varve.core.storage.StorageConfig;
import io.varve.testing.SmallDisk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Zeroed space ahead of the data file: kept where commits flush and the file system
 * overwrites in place, never part of the store, and never in the way of LMDB's own
 * writes.
 */
class PreallocatorTest {

	private static final long TIMEOUT_MILLIS = 30_000;

	private static final String PAD = "x".repeat(200);

	record Filled(String stream, int index, String pad) {
	}

	@TempDir
	Path dir;

	@Test
	void keepsZeroedSpaceAheadOfADurableStoreOnAnInPlaceFileSystem() throws Exception {
		assumeThat(inPlaceFileSystem(this.dir)).as("ext4 or XFS").isTrue();
		try (LmdbStorageEngine engine = LmdbStorageEngine.open(config(Durability.SYNC, false))) {
			assertThat(engine.preallocator().active()).isTrue();
			assertThat(engine.preallocator().awaitFirstFill(TIMEOUT_MILLIS)).isTrue();
			long used = engine.stats().usedBytes();
			assertThat(Files.size(dataFile())).isGreaterThanOrEqualTo(used + Preallocator.MIN_AHEAD);
		}
		assertThat(threads()).as("no thread left after close").isEmpty();
		// The zeros past LMDB's last page are not part of the store.
		DataFileCheck.Meta meta = DataFileCheck.check(this.dir);
		assertThat(Files.size(dataFile())).isGreaterThan((meta.lastPage() + 1) * meta.pageSize());
	}

	@Test
	void keepsNoneWhereCommitsDoNotFlushNothingIsWrittenOrItIsTurnedOff() throws Exception {
		try (LmdbStorageEngine engine = LmdbStorageEngine.open(config(Durability.NO_SYNC, false))) {
			assertThat(engine.preallocator().active()).isFalse();
		}
		long size = Files.size(dataFile());
		try (LmdbStorageEngine engine = LmdbStorageEngine.open(config(Durability.SYNC, true))) {
			assertThat(engine.preallocator().active()).isFalse();
		}
		try (LmdbStorageEngine engine = LmdbStorageEngine.open(config(Durability.SYNC, false, false))) {
			assertThat(engine.preallocator().active()).isFalse();
		}
		assertThat(Files.size(dataFile())).isEqualTo(size);
		assertThat(threads()).isEmpty();
	}

	@Test
	void concurrentDurableAppendsWriteOverTheZerosAndReopenIntact() throws Exception {
		int writers = 4;
		int calls = 150;
		int perCall = 10;
		long zeroedAtOpen;
		try (Varve varve = open()) {
			zeroedAtOpen = Files.size(dataFile());
			ExecutorService pool = Executors.newFixedThreadPool(writers);
			try {
				List<Future<?>> done = new ArrayList<>();
				for (int w = 0; w < writers; w++) {
					String stream = "load-" + w;
					done.add(pool.submit(() -> {
						for (int c = 0; c < calls; c++) {
							List<EventData> events = new ArrayList<>();
							for (int i = 0; i < perCall; i++) {
								events.add(EventData.of(new Filled(stream, c * perCall + i, PAD)));
							}
							varve.append(stream, ExpectedVersion.exact((long) c * perCall), events);
						}
						return null;
					}));
				}
				for (Future<?> future : done) {
					future.get();
				}
			}
			finally {
				pool.shutdown();
			}
		}
		DataFileCheck.Meta meta = DataFileCheck.check(this.dir);
		long used = (meta.lastPage() + 1) * meta.pageSize();
		assertThat(used).as("the log grew past the zeros there were at open").isGreaterThan(zeroedAtOpen);
		try (Varve varve = open()) {
			for (int w = 0; w < writers; w++) {
				String stream = "load-" + w;
				List<RecordedEvent> events = varve.readStream(stream, 1, Integer.MAX_VALUE);
				assertThat(events).hasSize(calls * perCall);
				for (int i = 0; i < events.size(); i++) {
					assertThat(events.get(i).version()).isEqualTo(i + 1);
					assertThat(events.get(i).dataAs(Filled.class)).isEqualTo(new Filled(stream, i, PAD));
				}
			}
			assertThat(varve.headPosition()).isEqualTo((long) writers * calls * perCall);
		}
	}

	@Test
	void theZerosNeverGoPastTheMapSize() throws Exception {
		assumeThat(inPlaceFileSystem(this.dir)).as("ext4 or XFS").isTrue();
		long max = 2L << 20;
		try (Varve varve = Varve.builder()
			.path(this.dir)
			.durability(Durability.SYNC)
			.preallocate(true)
			.mapSize(max)
			.maxMapSize(max)
			.eventTypes(Filled.class)
			.open()) {
			// Near the maximum, the store plus a quarter of it is past the map.
			for (int i = 0; varve.storeInfo().usedBytes() < max * 7 / 8; i++) {
				List<EventData> events = new ArrayList<>();
				for (int e = 0; e < 20; e++) {
					events.add(EventData.of(new Filled("full", i * 20 + e, PAD)));
				}
				varve.append("full", ExpectedVersion.any(), events);
				assertThat(Files.size(dataFile())).as("data file after %d appends", i + 1).isLessThanOrEqualTo(max);
			}
		}
		assertThat(Files.size(dataFile())).isLessThanOrEqualTo(max);
	}

	@Test
	void addsNoZerosOnAFullDiskAndCarriesOnOnceThereIsRoomAgain() throws Exception {
		Path mounts = Files.createDirectories(this.dir.resolve("mounts"));
		try (SmallDisk disk = SmallDisk.mount(mounts, "ext4", 24);
				Varve varve = Varve.builder()
					.path(disk.root().resolve("store"))
					.preallocate(true)
					.eventTypes(Filled.class)
					.open()) {
			Preallocator zeros = ((LmdbStorageEngine) ((DefaultVarve) varve).storage()).preallocator();
			assertThat(zeros.awaitFirstFill(TIMEOUT_MILLIS)).isTrue();
			Path ballast = disk.fillLeaving(2L << 20);
			int appended = 0;
			try {
				while (true) {
					varve.append("fill", ExpectedVersion.any(), new Filled("fill", appended, "z".repeat(50_000)));
					appended++;
				}
			}
			catch (DiskFullException ex) {
				// The zeros ahead and the rest of the disk are used up.
			}
			Files.delete(ballast);
			// A fill that began while the disk was full may end after this; the next
			// ones, with room again, bring the zeros back.
			Path dataFile = disk.root().resolve("store").resolve(DataFileCheck.DATA_FILE);
			long deadline = System.nanoTime() + TIMEOUT_MILLIS * 1_000_000L;
			varve.append("fill", ExpectedVersion.exact(appended), new Filled("fill", appended, PAD));
			int added = 1;
			long used = varve.storeInfo().usedBytes();
			// No fill is due while the file already has zeros enough ahead.
			while (Files.size(dataFile) < used + Preallocator.ahead(used) / 2 && System.nanoTime() < deadline) {
				long fills = zeros.fills();
				varve.append("fill", ExpectedVersion.exact(appended + added),
						new Filled("fill", appended + added, PAD));
				added++;
				assertThat(zeros.awaitFill(fills, TIMEOUT_MILLIS)).as("zeros added once there is room").isTrue();
				used = varve.storeInfo().usedBytes();
			}
			assertThat(Files.size(dataFile)).isGreaterThanOrEqualTo(used + Preallocator.ahead(used) / 2);
			assertThat(varve.readStream("fill", 1, Integer.MAX_VALUE)).hasSize(appended + added);
		}
	}

	private Varve open() {
		return Varve.builder()
			.path(this.dir)
			.durability(Durability.SYNC)
			.preallocate(true)
			.eventTypes(Filled.class)
			.open();
	}

	private StorageConfig config(Durability durability, boolean readOnly) {
		return config(durability, readOnly, true);
	}

	private StorageConfig config(Durability durability, boolean readOnly, boolean preallocate) {
		DurabilityPolicy policy = new DurabilityPolicy(durability, null);
		return new StorageConfig(this.dir, 1 << 20, 256L << 20, policy.commitSync(), 126, readOnly,
				policy.preallocates(preallocate), false);
	}

	private Path dataFile() {
		return this.dir.resolve(DataFileCheck.DATA_FILE);
	}

	private static boolean inPlaceFileSystem(Path dir) throws IOException {
		return Set.of("ext4", "ext3", "xfs").contains(Files.getFileStore(dir).type().toLowerCase(Locale.ROOT));
	}

	private static List<String> threads() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.map(Thread::getName)
			.filter((name) -> name.startsWith("varve-preallocate"))
			.toList();
	}

}

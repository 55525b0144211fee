package io.varve.reliability;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.varve.AppendResult;
import io.varve.DiskFullException;
import io.varve.ExpectedVersion;
import io.varve.Varve;
import io.varve.testing.SmallDisk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A full file system is reported as {@link DiskFullException} with the path and what to
 * do, never as an I/O error (LMDB reports a write the file system cut short as EIO);
 * nothing acknowledged is lost or damaged, and appends succeed again once there is room.
 * On ext4 Varve keeps zeroed space ahead of its file, which must behave on a full disk
 * too; on tmpfs it does not. The map starts small, so that it grows while the disk fills.
 */
class FullDiskTest {

	private static final int MIB = 1024 * 1024;

	@TempDir
	Path dir;

	@ParameterizedTest
	@ValueSource(strings = { "ext4", "tmpfs" })
	void appendsOnAFullDiskFailAsDiskFullLoseNothingAndWorkAgainOnceThereIsRoom(String type) throws Exception {
		try (SmallDisk disk = SmallDisk.mount(this.dir, type, 32)) {
			Path store = disk.root().resolve("store");
			Map<Long, Long> acknowledged = new TreeMap<>();
			long next = 0;
			try (Varve varve = Varve.builder().path(store).mapSize(MIB).open()) {
				Path ballast = disk.fillLeaving(4 * MIB);
				List<DiskFullException> full = new ArrayList<>();
				// Appends go on after the first failure: each must succeed or fail as a
				// full disk (any other exception fails the test), and none may be lost.
				while (full.size() < 10) {
					try {
						AppendResult result = varve.append("fill-" + (next % 3), ExpectedVersion.any(),
								Filler.of(next, size(next)));
						acknowledged.put(result.firstPosition(), next);
					}
					catch (DiskFullException ex) {
						full.add(ex);
					}
					next++;
				}
				assertThat(full.get(0))
					.hasMessageContaining("the file system holding " + store.toRealPath() + " is full")
					.hasMessageContaining("Nothing was written")
					.hasMessageContaining("Free space on that file system, or move the store to a larger volume");
				assertThat(varve.headPosition()).isEqualTo(acknowledged.size());
				verify(varve, acknowledged);

				Files.delete(ballast);
				for (int i = 0; i < 10; i++, next++) {
					AppendResult result = varve.append("fill-0", ExpectedVersion.any(), Filler.of(next, size(next)));
					assertThat(result.firstPosition()).isEqualTo(acknowledged.size() + 1);
					acknowledged.put(result.firstPosition(), next);
				}
				verify(varve, acknowledged);
			}
			try (Varve reopened = Varve.open(store)) {
				verify(reopened, acknowledged);
			}
		}
	}

	@Test
	void aBackupOntoAFullDiskFailsAsDiskFullAndLeavesNoPartialCopy() throws Exception {
		try (SmallDisk disk = SmallDisk.mount(this.dir, "tmpfs", 1);
				Varve varve = Varve.open(this.dir.resolve("store"))) {
			for (int i = 0; i < 40; i++) {
				varve.append("big-" + i, ExpectedVersion.noStream(), Filler.of(i, 60_000));
			}
			Path target = disk.root().resolve("backup");
			assertThatThrownBy(() -> varve.backup(target)).isInstanceOf(DiskFullException.class)
				.hasMessageContaining("Cannot write a backup to " + target)
				.hasMessageContaining("the file system holding " + target + " is full");
			try (var files = Files.list(target)) {
				assertThat(files).as("files left in the backup directory").isEmpty();
			}
		}
	}

	@Test
	void openingANewStoreOnAFullDiskFailsAsDiskFull() throws Exception {
		try (SmallDisk disk = SmallDisk.mount(this.dir, "tmpfs", 1)) {
			disk.fillLeaving(0);
			Path store = disk.root().resolve("store");
			assertThatThrownBy(() -> Varve.open(store)).isInstanceOf(DiskFullException.class)
				.hasMessageContaining("is full");
		}
	}

	/** Mostly 20 KB, every seventh 100 KB: past LMDB's overflow threshold either way. */
	private static int size(long index) {
		return (index % 7 == 0) ? 100_000 : 20_000;
	}

	private static void verify(Varve varve, Map<Long, Long> acknowledged) {
		StoreVerifier.Contents contents = StoreVerifier.verify(varve);
		assertThat(contents.head()).isEqualTo(acknowledged.size());
		for (Map.Entry<Long, Long> event : acknowledged.entrySet()) {
			Filler stored = varve.readEvent(event.getKey()).orElseThrow().dataAs(Filler.class);
			assertThat(stored).as("event at %s", event.getKey())
				.isEqualTo(Filler.of(event.getValue(), size(event.getValue())));
		}
	}

}

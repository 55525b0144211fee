package io.varve;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.varve.TestEvents.Deposited;
import io.varve.TestEvents.Opened;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class LifecycleTest {

	@TempDir
	Path dir;

	@Test
	void openCreatesMissingDirectories() {
		Path nested = this.dir.resolve("a/b/c");
		try (Varve varve = Varve.open(nested)) {
			assertThat(Files.isDirectory(nested)).isTrue();
			assertThat(varve.path()).isEqualTo(nested);
			assertThat(varve.isOpen()).isTrue();
		}
	}

	@Test
	void everythingWrittenReadsBackIdenticallyAfterReopen() {
		List<byte[]> before = new ArrayList<>();
		try (Varve varve = Varve.open(this.dir)) {
			for (int i = 0; i < 50; i++) {
				varve.append("account-" + (i % 5), ExpectedVersion.any(),
						List.of(EventData.of(new Deposited(i)).withMetadata(java.util.Map.of("i", String.valueOf(i)))));
			}
			varve.append("account-9", ExpectedVersion.noStream(), new Opened("z"));
			varve.readAll(0, 100).forEach((event) -> before.add(event.envelope()));
		}
		try (Varve varve = Varve.builder().path(this.dir).eventTypes(Deposited.class, Opened.class).open()) {
			List<RecordedEvent> after = varve.readAll(0, 100);
			assertThat(after).hasSize(51);
			for (int i = 0; i < after.size(); i++) {
				assertThat(after.get(i).envelope()).isEqualTo(before.get(i));
			}
			assertThat(after.get(7).data()).isEqualTo(new Deposited(7));
			assertThat(after.get(7).metadata()).containsEntry("i", "7");
			assertThat(varve.streamInfo("account-2")).map(StreamInfo::version).contains(10L);
			assertThat(varve.streamCount()).isEqualTo(6);
			// Appending goes on from where the store was.
			assertThat(varve.append("account-2", ExpectedVersion.exact(10), new Deposited(1)))
				.isEqualTo(new AppendResult("account-2", 52, 52, 11));
		}
	}

	@Test
	void closeIsIdempotentAndUseAfterCloseFailsClearly() {
		Varve varve = Varve.open(this.dir);
		varve.append("s-1", ExpectedVersion.any(), new Deposited(1));
		varve.close();
		varve.close();
		assertThat(varve.isOpen()).isFalse();
		assertThatExceptionOfType(VarveClosedException.class)
			.isThrownBy(() -> varve.append("s-1", ExpectedVersion.any(), new Deposited(2)))
			.withMessageContaining("closed");
		assertThatExceptionOfType(VarveClosedException.class).isThrownBy(() -> varve.readStream("s-1", 1, 1));
		assertThatExceptionOfType(VarveClosedException.class).isThrownBy(varve::headPosition);
		assertThatExceptionOfType(VarveClosedException.class).isThrownBy(() -> varve.readAll(0, 1));
		assertThatExceptionOfType(VarveClosedException.class).isThrownBy(varve::storeInfo);
		try (Varve reopened = Varve.open(this.dir)) {
			assertThat(reopened.headPosition()).isEqualTo(1);
		}
	}

	@Test
	void appendsQueuedBeforeCloseAreCommitted() throws Exception {
		List<CompletableFuture<AppendResult>> pending = new ArrayList<>();
		try (Varve varve = Varve.open(this.dir)) {
			for (int i = 0; i < 200; i++) {
				pending.add(varve.appendAsync("s-" + (i % 4), ExpectedVersion.any(), new Deposited(i)));
			}
		}
		// One caller's queued appends are committed in the order it made them.
		for (int i = 0; i < pending.size(); i++) {
			assertThat(pending.get(i)).isCompleted();
			assertThat(pending.get(i).get().lastPosition()).isEqualTo(i + 1);
		}
		try (Varve varve = Varve.open(this.dir)) {
			assertThat(varve.headPosition()).isEqualTo(200);
		}
	}

	@Test
	void openingTheSameDirectoryTwiceInOneJvmFailsFast() {
		try (Varve varve = Varve.open(this.dir)) {
			assertThatExceptionOfType(StoreLockedException.class).isThrownBy(() -> Varve.open(this.dir))
				.withMessageContaining("already open in this JVM");
			assertThat(varve.isOpen()).isTrue();
		}
	}

	@Test
	void storeInfoDescribesTheStore() {
		try (Varve varve = Varve.builder()
			.path(this.dir)
			.durability(Durability.NO_META_SYNC)
			.mapSize(2 * 1024 * 1024)
			.maxMapSize(16 * 1024 * 1024)
			.maxEventSize(4096)
			.open()) {
			varve.append("s-1", ExpectedVersion.any(), new Deposited(1));
			StoreInfo info = varve.storeInfo();
			assertThat(info.path()).isEqualTo(this.dir);
			assertThat(info.durability()).isEqualTo(Durability.NO_META_SYNC);
			assertThat(info.readOnly()).isFalse();
			assertThat(info.mapSize()).isEqualTo(2 * 1024 * 1024);
			assertThat(info.maxMapSize()).isEqualTo(16 * 1024 * 1024);
			assertThat(info.maxEventSize()).isEqualTo(4096);
			assertThat(info.usedBytes()).isPositive().isLessThan(info.mapSize());
			assertThat(info.mapUsage()).isBetween(0.0, 1.0);
			assertThat(info.capacityUsage()).isLessThan(info.mapUsage());
		}
	}

	@Test
	void eventsOverTheSizeLimitAreRejected() {
		try (Varve varve = Varve.builder().path(this.dir).maxEventSize(2048).open()) {
			assertThatExceptionOfType(EventTooLargeException.class)
				.isThrownBy(() -> varve.append("s-1", ExpectedVersion.any(), new Opened("x".repeat(3000))))
				.withMessageContaining("over the limit of 2048")
				.withMessageContaining("maxEventSize");
			assertThat(varve.headPosition()).isZero();
		}
	}

	@Test
	void builderRejectsImpossibleSettings() {
		assertThatExceptionOfType(InvalidArgumentException.class).isThrownBy(() -> Varve.builder().open())
			.withMessageContaining("path(");
		assertThatExceptionOfType(InvalidArgumentException.class).isThrownBy(() -> Varve.builder().mapSize(10));
		assertThatExceptionOfType(InvalidArgumentException.class)
			.isThrownBy(() -> Varve.builder().path(this.dir).mapSize(1 << 25).maxMapSize(1 << 21).open());
		assertThatExceptionOfType(InvalidArgumentException.class).isThrownBy(() -> Varve.builder().maxEventSize(1));
		assertThatExceptionOfType(InvalidArgumentException.class).isThrownBy(() -> Varve.builder().maxReaders(1));
		assertThatExceptionOfType(InvalidArgumentException.class).isThrownBy(() -> Varve.builder().durability(null));
	}

}

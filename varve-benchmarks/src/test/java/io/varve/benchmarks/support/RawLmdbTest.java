package io.varve.benchmarks.support;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class RawLmdbTest {

	@TempDir
	Path directory;

	@Test
	void scanDecodesEveryAppendedEventInOrder() {
		List<ItemAdded> read = new ArrayList<>();
		try (RawLmdb raw = RawLmdb.open(this.directory, false)) {
			Stores.fill(raw, 2_500, 1000, 3, 0);
			raw.appendOne(Events.encode(Events.event(9, 0)));
			assertThat(raw.count()).isEqualTo(2_501);
			assertThat(raw.scanDecoding(read::add)).isEqualTo(2_501);
		}
		assertThat(read.get(0)).isEqualTo(Events.event(0, 0));
		assertThat(read.get(1000)).isEqualTo(Events.event(1, 0));
		assertThat(read.get(2_500)).isEqualTo(Events.event(9, 0));
	}

	@Test
	void varveAndRawFilledTheSameWayHoldTheSameEventsInTheSameOrder() {
		Checksum raw = new Checksum();
		Checksum varve = new Checksum();
		try (RawLmdb store = RawLmdb.open(this.directory.resolve("raw"), false)) {
			Stores.fill(store, 3_000, 100, 7, 1);
			store.scanDecoding(raw::accept);
		}
		try (var store = Stores.varve(this.directory, "varve", io.varve.Durability.NO_SYNC)) {
			Stores.fill(store, 3_000, 100, 7, 1);
			try (var events = store.scanAll(0, io.varve.EventFilter.all())) {
				events.forEach((event) -> varve.accept(event.data()));
			}
		}
		assertThat(varve.count()).isEqualTo(3_000);
		varve.requireSame(raw, "fill");
	}

}

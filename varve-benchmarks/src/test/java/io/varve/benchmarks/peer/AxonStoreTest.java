package io.varve.benchmarks.peer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.varve.benchmarks.support.Events;
import io.varve.benchmarks.support.ItemAdded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AxonStoreTest {

	@TempDir
	Path directory;

	@Test
	void axonOnH2ReadsBackWhatWasAppendedDurablyAndInBatches() {
		List<Object> all = new ArrayList<>();
		List<Object> aggregate = new ArrayList<>();
		try (AxonStore axon = AxonStore.open(this.directory, true, 4)) {
			axon.append("cart-1", 0, Events.event(1, 0));
			axon.append("cart-1", 1, Events.event(1, 1));
			axon.appendBatch("cart-2", 0, List.of(Events.event(2, 0), Events.event(2, 1), Events.event(2, 2)));
			axon.readAll(5, all::add);
			axon.readAggregate("cart-2", aggregate::add);
		}
		assertThat(all).hasSize(5).allMatch(ItemAdded.class::isInstance);
		assertThat(all.get(0)).isEqualTo(Events.event(1, 0));
		assertThat(all.get(4)).isEqualTo(Events.event(2, 2));
		assertThat(aggregate).containsExactly(Events.event(2, 0), Events.event(2, 1), Events.event(2, 2));
	}

	@Test
	void axonRejectsASequenceNumberThatIsTaken() {
		try (AxonStore axon = AxonStore.open(this.directory, false, 4)) {
			axon.append("cart-1", 0, Events.event(1, 0));
			assertThatThrownBy(() -> axon.append("cart-1", 0, Events.event(1, 1))).isInstanceOf(RuntimeException.class);
		}
	}

}

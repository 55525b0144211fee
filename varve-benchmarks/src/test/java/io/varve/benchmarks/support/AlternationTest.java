package io.varve.benchmarks.support;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AlternationTest {

	@Test
	void sidesRunInTurnsThatAlternateAndTheirRoundsArePooled() throws Exception {
		List<String> order = new ArrayList<>();
		List<Long> firstSideAfterEachRound = new ArrayList<>();
		Measurement[] pooled = Alternation.run(4, (round, soFar) -> firstSideAfterEachRound.add(soFar[0].events()),
				(round) -> {
					order.add("a" + round);
					return new Measurement(10, 100, Latencies.none());
				}, (round) -> {
					order.add("b" + round);
					return new Measurement(1, 1_000, Latencies.none());
				}, (round) -> {
					order.add("c" + round);
					return new Measurement(2, 2_000, Latencies.none());
				});
		assertThat(order).containsExactly("a0", "b0", "c0", "c1", "b1", "a1", "a2", "b2", "c2", "c3", "b3", "a3");
		assertThat(firstSideAfterEachRound).containsExactly(10L, 20L, 30L, 40L);
		assertThat(pooled[0].events()).isEqualTo(40);
		assertThat(pooled[0].nanos()).isEqualTo(400);
		assertThat(pooled[1].events()).isEqualTo(4);
		assertThat(pooled[2].nanos()).isEqualTo(8_000);
	}

}

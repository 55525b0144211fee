package io.varve.benchmarks.support;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LatenciesTest {

	@Test
	void percentilesUseTheNearestRankAcrossAllThreads() {
		long[][] samples = { { 5_000, 1_000, 3_000, 0 }, { 2_000, 4_000, 0 } };
		Latencies latencies = Latencies.of(samples, new int[] { 3, 2 });
		assertThat(latencies.count()).isEqualTo(5);
		assertThat(latencies.percentileMicros(50)).isEqualTo(3.0);
		assertThat(latencies.percentileMicros(99)).isEqualTo(5.0);
		assertThat(latencies.percentileMicros(0)).isEqualTo(1.0);
	}

	@Test
	void noSamplesGiveNoPercentile() {
		assertThat(Latencies.none().isEmpty()).isTrue();
		assertThat(Latencies.none().percentileMicros(50)).isNaN();
	}

	@Test
	void pooledRoundsAddEventsAndTime() {
		Measurement first = new Measurement(1_000, 1_000_000_000L, Latencies.none());
		Measurement second = new Measurement(3_000, 1_000_000_000L, Latencies.none());
		assertThat(first.plus(second).rate()).isEqualTo(2_000.0);
		assertThat(first.plus(null)).isSameAs(first);
	}

}

package io.varve.core;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class EventIdsTest {

	@Test
	void idsAreVersion7WithTheRfcVariantAndCarryTheTime() {
		long before = System.currentTimeMillis();
		UUID id = EventIds.next();
		long after = System.currentTimeMillis();
		assertThat(id.version()).isEqualTo(7);
		assertThat(id.variant()).isEqualTo(2);
		assertThat(id.getMostSignificantBits() >>> 16).isBetween(before, after);
	}

	@Test
	void idsFromOneThreadStrictlyIncreaseAsUnsigned128BitNumbers() {
		List<UUID> ids = new ArrayList<>();
		for (int i = 0; i < 100_000; i++) {
			ids.add(EventIds.next());
		}
		for (int i = 1; i < ids.size(); i++) {
			UUID previous = ids.get(i - 1);
			UUID current = ids.get(i);
			int order = Long.compareUnsigned(current.getMostSignificantBits(), previous.getMostSignificantBits());
			if (order == 0) {
				order = Long.compareUnsigned(current.getLeastSignificantBits(), previous.getLeastSignificantBits());
			}
			assertThat(order).as("id %d after %d", i, i - 1).isPositive();
		}
	}

}

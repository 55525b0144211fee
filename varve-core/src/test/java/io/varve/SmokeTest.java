package io.varve;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class SmokeTest {

	record Deposited(String account, long amount) {
	}

	@Test
	void appendsAndReads(@TempDir Path dir) {
		try (Varve varve = Varve.open(dir.resolve("store"))) {
			AppendResult r = varve.append("account-1", ExpectedVersion.noStream(), new Deposited("a", 10),
					new Deposited("a", 20));
			assertThat(r.version()).isEqualTo(2);
			assertThat(r.firstPosition()).isEqualTo(1);
			List<RecordedEvent> events = varve.readStream("account-1", 1, 10);
			assertThat(events).hasSize(2);
			assertThat(events.get(1).data()).isEqualTo(new Deposited("a", 20));
		}
	}

}

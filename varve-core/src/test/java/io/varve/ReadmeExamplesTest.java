package io.varve;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's plain-Java examples, compiled and run so that they cannot go stale.
 */
class ReadmeExamplesTest {

	@TempDir
	Path dir;

	@EventType("account-opened")
	record AccountOpened(String owner) {
	}

	record Deposited(long amount) {
	}

	@Test
	void quickStart() {
		StringBuilder out = new StringBuilder();
		try (Varve varve = Varve.open(this.dir.resolve("events"))) {
			// README: Quick start
			AppendResult opened = varve.append("account-42", ExpectedVersion.noStream(), new AccountOpened("alice"));
			varve.append("account-42", ExpectedVersion.exact(opened.version()), new Deposited(100));

			for (RecordedEvent event : varve.readStream("account-42", 1, 100)) {
				out.append(event.version() + ": " + event.data()).append('\n');
			}
		}
		assertThat(out.toString()).isEqualTo("1: AccountOpened[owner=alice]\n2: Deposited[amount=100]\n");
	}

}

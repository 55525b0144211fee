package io.varve.crypto;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.varve.ExpectedVersion;
import io.varve.StreamAppend;
import io.varve.Varve;
import io.varve.core.durability.Flushes;
import io.varve.crypto.EncryptedStores.Note;

import static io.varve.crypto.EncryptedStores.KEY_1;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A new stream's data key is on the device before the commit that acknowledges events
 * sealed with it, flushed once per group however many streams it creates, and not at all
 * for a group that creates none.
 */
class KeyDurabilityTest {

	@TempDir
	Path dir;

	private final List<Path> flushed = Collections.synchronizedList(new ArrayList<>());

	@AfterEach
	void stopObserving() {
		Flushes.observe(null);
	}

	@Test
	void newKeysAreFlushedOnceBeforeTheCommitThatNeedsThem() {
		Path store = this.dir.resolve("store");
		Path keyStore = this.dir.resolve("keys").resolve("keys.log");
		try (Varve varve = EncryptedStores.builder(store, LocalKeyProvider.of(KEY_1), keyStore).open()) {
			Flushes.observe(new Flushes.Observer() {
				@Override
				public void beforeFlush(Path file) {
					KeyDurabilityTest.this.flushed.add(file);
				}

				@Override
				public void afterFlush(Path file) {
				}
			});
			varve.transaction(StreamAppend.of("a-1", ExpectedVersion.noStream(), new Note("one")),
					StreamAppend.of("b-1", ExpectedVersion.noStream(), new Note("two")),
					StreamAppend.of("c-1", ExpectedVersion.noStream(), new Note("three")));
			List<Path> first = List.copyOf(this.flushed);
			assertThat(first).filteredOn((file) -> file.equals(keyStore)).hasSize(1);
			int key = first.indexOf(keyStore);
			assertThat(first.subList(key + 1, first.size())).as("the commit's flush, after the key store's")
				.anySatisfy((file) -> assertThat(file.toAbsolutePath().startsWith(store.toAbsolutePath())).isTrue());
			this.flushed.clear();
			varve.append("a-1", ExpectedVersion.exact(1), new Note("four"));
			assertThat(this.flushed).as("no new key, no key store flush").isNotEmpty().doesNotContain(keyStore);
		}
	}

}

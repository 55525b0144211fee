package io.varve.core.verify;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.varve.Durability;
import io.varve.ExpectedVersion;
import io.varve.Varve;
import io.varve.core.DefaultVarve;
import io.varve.core.storage.StreamRecord;
import io.varve.core.write.RawWrites;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The store check finds nothing on a healthy store, also while it is written, and names
 * each breach planted in a damaged one.
 */
class StoreCheckTest {

	@TempDir
	Path dir;

	record Noted(int n) {
	}

	private DefaultVarve filled() {
		DefaultVarve varve = (DefaultVarve) Varve.builder()
			.path(this.dir)
			.durability(Durability.NO_SYNC)
			.eventTypes(Noted.class)
			.open();
		for (int i = 1; i <= 300; i++) {
			varve.append("note-" + (i % 7), ExpectedVersion.any(), new Noted(i));
		}
		return varve;
	}

	@Test
	void aHealthyStoreHasNoBreach() {
		try (DefaultVarve varve = filled()) {
			StoreCheck.Report report = StoreCheck.run(varve);
			assertThat(report.breaches()).isEmpty();
			assertThat(report.ok()).isTrue();
			assertThat(report.headPosition()).isEqualTo(300);
			assertThat(report.events()).isEqualTo(300);
			assertThat(report.streams()).isEqualTo(7);
		}
	}

	@Test
	void aWrongStreamHeadAndAHeadWithoutEventsAreNamed() {
		try (DefaultVarve varve = filled()) {
			StreamRecord real = varve.read((txn) -> txn.stream("note-3".getBytes(StandardCharsets.UTF_8)));
			RawWrites.apply(varve, (txn) -> {
				txn.putStream("note-3".getBytes(StandardCharsets.UTF_8),
						new StreamRecord(real.streamId(), real.version() + 1, real.firstPosition(), real.lastPosition(),
								real.createdMicros(), real.updatedMicros()));
				txn.putStream("ghost".getBytes(StandardCharsets.UTF_8),
						new StreamRecord(real.streamId() + 100, 1, 1, 1, real.createdMicros(), real.updatedMicros()));
			});
			StoreCheck.Report report = StoreCheck.run(varve);
			assertThat(report.ok()).isFalse();
			assertThat(report.breaches()).anyMatch((breach) -> breach
				.startsWith("the head record of stream 'note-3' says versions 1.." + (real.version() + 1)));
			assertThat(report.breaches()).contains("stream 'ghost' has a head record (version 1) but no events");
			assertThat(report.breaches()).anyMatch((breach) -> breach.startsWith("the stream index of 'note-3'"));
			assertThat(report.breachCount()).isEqualTo(report.breaches().size());
		}
	}

}

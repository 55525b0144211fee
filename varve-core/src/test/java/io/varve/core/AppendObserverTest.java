package io.varve.core;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.varve.ExpectedVersion;
import io.varve.InvalidStreamNameException;
import io.varve.StreamAppend;
import io.varve.Varve;
import io.varve.WrongExpectedVersionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class AppendObserverTest {

	@TempDir
	Path dir;

	record Deposited(long amount) {
	}

	record Seen(AppendObserver.Outcome outcome, int events, long nanos) {
	}

	@Test
	void everyAppendIsReportedWithItsOutcomeEventsAndDuration() throws Exception {
		List<Seen> seen = new CopyOnWriteArrayList<>();
		try (DefaultVarve varve = (DefaultVarve) Varve.open(this.dir)) {
			varve.addAppendObserver((outcome, events, nanos) -> seen.add(new Seen(outcome, events, nanos)));
			varve.append("s-1", ExpectedVersion.noStream(), new Deposited(1), new Deposited(2));
			assertThatExceptionOfType(WrongExpectedVersionException.class)
				.isThrownBy(() -> varve.append("s-1", ExpectedVersion.noStream(), new Deposited(3)));
			assertThatExceptionOfType(InvalidStreamNameException.class)
				.isThrownBy(() -> varve.append("", ExpectedVersion.any(), new Deposited(3)));
			varve.transaction(StreamAppend.of("s-2", ExpectedVersion.any(), new Deposited(1)),
					StreamAppend.of("s-3", ExpectedVersion.any(), new Deposited(1), new Deposited(2)));
			assertThat(varve.appendAsync("s-1", ExpectedVersion.exact(9), new Deposited(1)))
				.failsWithin(5, TimeUnit.SECONDS)
				.withThrowableThat()
				.havingCause()
				.isInstanceOf(WrongExpectedVersionException.class);
		}
		assertThat(seen).extracting(Seen::outcome)
			.containsExactly(AppendObserver.Outcome.SUCCESS, AppendObserver.Outcome.CONFLICT,
					AppendObserver.Outcome.ERROR, AppendObserver.Outcome.SUCCESS, AppendObserver.Outcome.CONFLICT);
		assertThat(seen).extracting(Seen::events).containsExactly(2, 1, 1, 3, 1);
		assertThat(seen.get(0).nanos()).isPositive();
	}

}

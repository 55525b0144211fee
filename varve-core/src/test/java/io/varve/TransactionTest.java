package io.varve;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.varve.TestEvents.Deposited;
import io.varve.TestEvents.Withdrawn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class TransactionTest {

	@TempDir
	Path dir;

	Varve varve;

	@BeforeEach
	void open() {
		this.varve = Varve.open(this.dir);
		this.varve.append("account-1", ExpectedVersion.noStream(), new Deposited(100));
		this.varve.append("account-2", ExpectedVersion.noStream(), new Deposited(5));
	}

	@AfterEach
	void close() {
		this.varve.close();
	}

	@Test
	void appendsToEveryStreamAtomically() {
		TransactionResult result = this.varve.transaction(
				StreamAppend.of("account-1", ExpectedVersion.exact(1), new Withdrawn(30)),
				StreamAppend.of("account-2", ExpectedVersion.exact(1), new Deposited(30)),
				StreamAppend.of("transfer-1", ExpectedVersion.noStream(), new Deposited(30), new Withdrawn(30)));
		assertThat(result.results()).containsExactly(new AppendResult("account-1", 3, 3, 2),
				new AppendResult("account-2", 4, 4, 2), new AppendResult("transfer-1", 5, 6, 2));
		assertThat(result.firstPosition()).isEqualTo(3);
		assertThat(result.lastPosition()).isEqualTo(6);
		assertThat(result.result("account-2").version()).isEqualTo(2);
		assertThat(this.varve.readAll(3, 10)).extracting(RecordedEvent::stream)
			.containsExactly("account-1", "account-2", "transfer-1", "transfer-1");
	}

	@Test
	void oneWrongVersionWritesNothingAtAll() {
		assertThatExceptionOfType(WrongExpectedVersionException.class)
			.isThrownBy(() -> this.varve.transaction(
					StreamAppend.of("account-1", ExpectedVersion.exact(1), new Withdrawn(30)),
					StreamAppend.of("account-2", ExpectedVersion.exact(7), new Deposited(30))))
			.satisfies((ex) -> assertThat(ex.stream()).isEqualTo("account-2"));
		assertThat(this.varve.headPosition()).isEqualTo(2);
		assertThat(this.varve.streamInfo("account-1")).map(StreamInfo::version).contains(1L);
	}

	@Test
	void aStreamMayAppearOnlyOnce() {
		assertThatExceptionOfType(InvalidArgumentException.class)
			.isThrownBy(
					() -> this.varve.transaction(StreamAppend.of("account-1", ExpectedVersion.any(), new Withdrawn(1)),
							StreamAppend.of("account-1", ExpectedVersion.any(), new Withdrawn(2))))
			.withMessageContaining("appears twice");
	}

	@Test
	void anEmptyTransactionIsRejected() {
		assertThatExceptionOfType(InvalidArgumentException.class).isThrownBy(() -> this.varve.transaction(List.of()));
		assertThatExceptionOfType(InvalidArgumentException.class)
			.isThrownBy(() -> this.varve.transaction((StreamAppend[]) null));
	}

	@Test
	void transactionAsyncCompletesWithResults() throws Exception {
		TransactionResult result = this.varve
			.transactionAsync(List.of(StreamAppend.of("account-1", ExpectedVersion.exact(1), new Withdrawn(1))))
			.get(10, java.util.concurrent.TimeUnit.SECONDS);
		assertThat(result.results()).hasSize(1);
		assertThatExceptionOfType(InvalidArgumentException.class).isThrownBy(() -> result.result("account-9"));
	}

}

package io.varve.core.processor;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.varve.Durability;
import io.varve.ExpectedVersion;
import io.varve.Varve;
import io.varve.core.DefaultVarve;
import io.varve.core.processor.TestEvents.Deposited;
import io.varve.SettableClock;
import io.varve.core.storage.ReadTxn;
import io.varve.processor.ErrorPolicy;
import io.varve.processor.ParkedEvent;
import io.varve.processor.ProcessorDetail;
import io.varve.processor.ProcessorDefinition;
import io.varve.processor.ProcessorState;
import io.varve.processor.ProcessorStatus;
import io.varve.processor.RetryPolicy;
import io.varve.processor.UnknownProcessorException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Statuses read from a snapshot the caller holds, for reports whose figures must agree.
 */
class ProcessorSnapshotStatusTest {

	private static final Duration WAIT = Duration.ofSeconds(20);

	@TempDir
	Path dir;

	private final SettableClock clock = new SettableClock();

	private DefaultVarve varve;

	private DefaultProcessorRegistry processors;

	@BeforeEach
	void open() {
		this.varve = (DefaultVarve) Varve.builder()
			.path(this.dir)
			.durability(Durability.NO_SYNC)
			.clock(this.clock)
			.eventTypes(Deposited.class)
			.open();
		this.processors = (DefaultProcessorRegistry) this.varve.processors();
	}

	@AfterEach
	void close() {
		this.varve.close();
	}

	@Test
	void aSnapshotStatusKeepsTheCheckpointHeadAndLagOfItsSnapshotWhileTheProcessorMovesOn() {
		this.processors.register(ProcessorDefinition.builder("sum").handler((event, context) -> {
		}).build());
		this.varve.append("account-1", ExpectedVersion.any(), TestEvents.deposits(5, 1));
		this.processors.start("sum");
		this.processors.awaitProcessed("sum", 5, WAIT);
		this.processors.pause("sum");
		this.clock.advance(Duration.ofSeconds(3));
		this.varve.append("account-1", ExpectedVersion.any(), TestEvents.deposits(4, 1));
		this.clock.advance(Duration.ofSeconds(2));
		ProcessorStatus[] seen = new ProcessorStatus[2];
		this.varve.read((txn) -> {
			seen[0] = this.processors.status("sum", txn);
			// The processor catches up and more events come while the snapshot is open.
			this.processors.resume("sum");
			this.varve.append("account-1", ExpectedVersion.any(), TestEvents.deposits(2, 1));
			this.processors.awaitProcessed("sum", 11, WAIT);
			seen[1] = this.processors.statuses(txn).get(0);
			return null;
		});
		for (ProcessorStatus status : seen) {
			assertThat(status.checkpoint()).isEqualTo(5);
			assertThat(status.headPosition()).isEqualTo(9);
			assertThat(status.lag()).isEqualTo(4);
			assertThat(status.oldestUnhandledAge()).isEqualTo(Duration.ofSeconds(2));
		}
		assertThat(seen[0].state()).isEqualTo(ProcessorState.PAUSED);
		assertThat(seen[1].eventsHandled()).isEqualTo(11);
		ProcessorStatus now = this.varve.read((txn) -> this.processors.status("sum", txn));
		assertThat(now.checkpoint()).isEqualTo(11);
		assertThat(now.lag()).isZero();
		assertThat(now.oldestUnhandledAge()).isEqualTo(Duration.ZERO);
		assertThat(now.state()).isEqualTo(ProcessorState.RUNNING);
	}

	@Test
	void aSnapshotStatusCountsParkedEventsInTheSnapshotAndListsThem() {
		this.processors.register(ProcessorDefinition.builder("picky")
			.errorPolicy(ErrorPolicy.PARK)
			.retryPolicy(RetryPolicy.none())
			.handler((event, context) -> {
				if (event.position() % 3 == 0) {
					throw new IllegalStateException("not a multiple of three, please");
				}
			})
			.build());
		this.varve.append("account-1", ExpectedVersion.any(), TestEvents.deposits(7, 1));
		this.processors.start("picky");
		this.processors.awaitProcessed("picky", 7, WAIT);
		List<ParkedEvent> parked = new ArrayList<>();
		ProcessorStatus status = this.varve.read((txn) -> {
			ProcessorStatus before = this.processors.status("picky", txn);
			this.processors.discardParked("picky", 3);
			parked.addAll(this.processors.parked("picky", txn, 0, 10));
			return before;
		});
		assertThat(status.parkedCount()).isEqualTo(2);
		assertThat(parked).extracting(ParkedEvent::position).containsExactly(3L, 6L);
		assertThat(parked.get(1).error()).isEqualTo("not a multiple of three, please");
		long parkedNow = this.varve.read((txn) -> this.processors.status("picky", txn).parkedCount());
		assertThat(parkedNow).isEqualTo(1);
	}

	@Test
	void aProcessorThatNeverRanReportsCheckpointZeroAndTheWholeLogAsLag() {
		this.varve.append("account-1", ExpectedVersion.any(), TestEvents.deposits(3, 1));
		this.processors.register(ProcessorDefinition.builder("later").handler((event, context) -> {
		}).build());
		ProcessorStatus status = this.varve.read((txn) -> this.processors.status("later", txn));
		assertThat(status.state()).isEqualTo(ProcessorState.STOPPED);
		assertThat(status.checkpoint()).isZero();
		assertThat(status.lag()).isEqualTo(3);
		assertThatExceptionOfType(UnknownProcessorException.class)
			.isThrownBy(() -> this.varve.read((ReadTxn txn) -> this.processors.status("nope", txn)));
	}

	@Test
	void theDetailOfAProcessorGivesItsStatusAndParkedPageFromOneSnapshot() {
		this.processors.register(ProcessorDefinition.builder("picky")
			.errorPolicy(ErrorPolicy.PARK)
			.retryPolicy(RetryPolicy.none())
			.handler((event, context) -> {
				if (event.position() % 2 == 0) {
					throw new IllegalStateException("odd positions only");
				}
			})
			.build());
		this.varve.append("account-1", ExpectedVersion.any(), TestEvents.deposits(7, 1));
		this.processors.start("picky");
		this.processors.awaitProcessed("picky", 7, WAIT);
		ProcessorDetail detail = this.processors.detail("picky", 2, 2);
		assertThat(detail.status().parkedCount()).isEqualTo(3);
		assertThat(detail.status().checkpoint()).isEqualTo(7);
		assertThat(detail.parked()).extracting(ParkedEvent::position).containsExactly(4L, 6L);
		assertThat(detail.parked().get(0).error()).isEqualTo("odd positions only");
		assertThatExceptionOfType(UnknownProcessorException.class)
			.isThrownBy(() -> this.processors.detail("nope", 0, 10));
		assertThatExceptionOfType(io.varve.InvalidArgumentException.class)
			.isThrownBy(() -> this.processors.detail("picky", -1, 10));
	}

}

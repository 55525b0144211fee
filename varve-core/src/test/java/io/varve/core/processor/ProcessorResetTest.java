package io.varve.core.processor;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.varve.Durability;
import io.varve.ExpectedVersion;
import io.varve.StoreFullException;
import io.varve.Varve;
import io.varve.VarveBuilder;
import io.varve.core.DefaultVarve;
import io.varve.core.processor.TestEvents.Deposited;
import io.varve.processor.ErrorPolicy;
import io.varve.processor.ParkedEvent;
import io.varve.processor.ProcessorDefinition;
import io.varve.processor.ProcessorRegistry;
import io.varve.processor.ProcessorState;
import io.varve.processor.ProcessorStatus;
import io.varve.processor.ResetCallback;
import io.varve.processor.ResetFailedException;
import io.varve.processor.RetryPolicy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A reset's callback writes, checkpoint change and removal of parked events are one
 * commit: observed at every commit boundary, and when that commit fails.
 */
class ProcessorResetTest {

	private static final Duration WAIT = Duration.ofSeconds(20);

	@TempDir
	Path dir;

	private DefaultVarve varve;

	private ProcessorRegistry processors;

	/** Positions whose first attempt fails, so that they are parked. */
	private final Set<Long> failOnce = ConcurrentHashMap.newKeySet();

	private final List<Long> handled = Collections.synchronizedList(new ArrayList<>());

	/** What the store holds for the processor, read in one snapshot. */
	record Stored(long checkpoint, Long total, long parked, boolean blob) {
	}

	@AfterEach
	void close() {
		if (this.varve != null) {
			this.varve.close();
		}
	}

	private void open(VarveBuilder builder) {
		this.varve = (DefaultVarve) builder.path(this.dir)
			.durability(Durability.NO_SYNC)
			.eventTypes(Deposited.class)
			.open();
		this.processors = this.varve.processors();
	}

	/**
	 * Starts "sum", which adds deposits to totals/all, parks 3 and 8, and has handled 10
	 * events: checkpoint 10, total 8, 2 parked.
	 */
	private void sumTenEventsParkingThreeAndEight(ResetCallback onReset) {
		this.failOnce.addAll(List.of(3L, 8L));
		this.processors.register(ProcessorDefinition.builder("sum")
			.errorPolicy(ErrorPolicy.PARK)
			.retryPolicy(RetryPolicy.none())
			.handler((event, context) -> {
				if (this.failOnce.remove(event.position())) {
					throw new IllegalStateException("first time");
				}
				long total = context.projections().get("totals", "all", Long.class).orElse(0L);
				context.projections().put("totals", "all", total + ((Deposited) event.data()).amount());
				this.handled.add(event.position());
			})
			.onReset(onReset)
			.build());
		this.varve.append("account-1", ExpectedVersion.any(), TestEvents.deposits(10, 1));
		this.processors.start("sum");
		this.processors.awaitProcessed("sum", 10, WAIT);
		assertThat(stored()).isEqualTo(new Stored(10, 8L, 2, false));
	}

	private Stored stored() {
		return this.varve.read((txn) -> {
			CommittedProjections projections = new CommittedProjections((read) -> read.apply(txn), this.varve.codec(),
					new ProjectionTables());
			return new Stored(ProcessorTables.checkpoint(txn, "sum"),
					projections.get("totals", "all", Long.class).orElse(null), ProcessorTables.parkedCount(txn, "sum"),
					projections.get("blobs", "b", byte[].class).isPresent());
		});
	}

	/** What the store holds after each commit from now on. */
	private List<Stored> storedAtEveryCommit() {
		List<Stored> seen = Collections.synchronizedList(new ArrayList<>());
		// Told on the committing thread before the next commit can start: each entry is
		// the state right after one commit.
		this.varve.groupWriter().addListener((commit) -> seen.add(stored()));
		return seen;
	}

	@Test
	void aResetStoresItsCallbackWritesCheckpointAndParkedEventRemovalsInOneCommit() {
		open(Varve.builder());
		sumTenEventsParkingThreeAndEight((store, from) -> store.clear("totals"));
		this.processors.pause("sum");
		List<Stored> atCommits = storedAtEveryCommit();
		this.processors.reset("sum", 6);
		assertThat(atCommits).containsExactly(new Stored(5, null, 1, false));
		assertThat(this.processors.parked("sum")).extracting(ParkedEvent::position).containsExactly(3L);
		this.handled.clear();
		this.processors.resume("sum");
		this.processors.awaitProcessed("sum", 10, WAIT);
		assertThat(this.handled).containsExactly(6L, 7L, 8L, 9L, 10L);
		assertThat(stored()).isEqualTo(new Stored(10, 5L, 1, false));
	}

	@Test
	void aResetWhoseCommitFailsChangesNeitherProjectionsNorCheckpointNorParkedEvents() {
		// At most 4 MiB: the callback's 8 MiB value cannot be stored.
		open(Varve.builder().maxMapSize(4L << 20));
		sumTenEventsParkingThreeAndEight((store, from) -> {
			store.clear("totals");
			store.put("blobs", "b", new byte[8 << 20]);
		});
		Stored before = stored();
		List<Stored> atCommits = storedAtEveryCommit();
		assertThatExceptionOfType(ResetFailedException.class).isThrownBy(() -> this.processors.reset("sum", 1))
			.withMessageStartingWith("The reset of processor 'sum' to position 1 was not stored, so it changed nothing")
			.withMessageContaining("the store is at its maximum size")
			.withCauseInstanceOf(StoreFullException.class);
		assertThat(atCommits).isEmpty();
		assertThat(stored()).isEqualTo(before);
		assertThat(this.processors.parked("sum")).extracting(ParkedEvent::position).containsExactly(3L, 8L);
		ProcessorStatus status = this.processors.status("sum");
		assertThat(status.state()).isEqualTo(ProcessorState.RUNNING);
		assertThat(status.checkpoint()).isEqualTo(10);
		assertThat(status.parkedCount()).isEqualTo(2);
		// It goes on from where it was, handling nothing again.
		this.handled.clear();
		this.varve.append("account-1", ExpectedVersion.any(), new Deposited(1));
		this.processors.awaitProcessed("sum", 11, WAIT);
		assertThat(this.handled).containsExactly(11L);
		assertThat(stored()).isEqualTo(new Stored(11, 9L, 2, false));
	}

}

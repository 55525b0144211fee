package io.varve.core.write;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.varve.InvalidArgumentException;
import io.varve.core.lmdb.LmdbStorageEngine;
import io.varve.core.storage.AuxTable;
import io.varve.core.storage.CommitSync;
import io.varve.core.storage.ReadTxn;
import io.varve.core.storage.StorageConfig;
import io.varve.core.write.GroupTransactionTest.Put;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Groups in the writer's batch on a real journaled LMDB store: each group writes straight
 * into the batch's transaction, so a group that fails part way (a request that wrote
 * before failing, or a full map) costs the batch, whose acknowledged groups come back
 * from the journal; on a caller's thread, the batch is left to the writer thread.
 */
class GroupTransactionBatchTest {

	@TempDir
	Path dir;

	private LmdbStorageEngine engine;

	private GroupTransaction transaction;

	@BeforeEach
	void open() {
		this.engine = openEngine();
		this.transaction = new GroupTransaction(this.engine, Clock.systemUTC(), "test", 0, 0,
				(group, failure) -> group.forEach((request) -> {
					if (failure != null) {
						request.failure = failure;
					}
					request.complete();
				}));
	}

	private LmdbStorageEngine openEngine() {
		return LmdbStorageEngine
			.open(new StorageConfig(this.dir, 1 << 20, 64L << 20, CommitSync.FLUSH, 126, false, false, false));
	}

	@AfterEach
	void close() {
		// As the writer does before the store closes.
		this.transaction.publish();
		this.engine.close();
	}

	@Test
	void aRequestThatWroteBeforeFailingCostsTheBatchAndItsAcknowledgedGroupsComeBackFromTheJournal() {
		Put first = new Put(8, false);
		this.transaction.commit(List.of(first));
		assertThat(first.future()).isCompletedWithValue(1L);
		assertThat(this.transaction.unpublished()).as("a batch is open").isTrue();
		assertThat(stored(1)).as("unpublished").isFalse();

		Put second = new Put(8, false);
		Put failing = new Put(8, true);
		Put third = new Put(8, false);
		this.transaction.commit(List.of(second, failing, third));
		assertThat(second.future()).isCompletedWithValue(2L);
		assertThat(third.future()).isCompletedWithValue(3L);
		assertThat(failing.future()).isCompletedExceptionally();
		assertThat(failing.failure).isInstanceOf(InvalidArgumentException.class)
			.hasMessage("refused after writing at 3");
		// The batch holding the first group was dropped: the journal brought that group
		// into the tables, and readers see it; the group applied again is in a new batch.
		assertThat(stored(1)).as("the first group, replayed").isTrue();
		assertThat(this.transaction.published()).isEqualTo(1);
		assertThat(stored(2)).as("the second group, in the new batch").isFalse();

		this.transaction.publish();
		assertThat(storedPositions()).containsExactly(1L, 2L, 3L);
		assertThat(this.transaction.headPosition()).isEqualTo(3);
		assertThat(reopenedPositions()).containsExactly(1L, 2L, 3L);
	}

	@Test
	void aGroupThatFillsTheMapInTheBatchGrowsItAndKeepsTheBatchsAcknowledgedGroups() {
		Put first = new Put(8, false);
		this.transaction.commit(List.of(first));
		long mapBefore = this.engine.stats().mapSize();
		List<Put> large = new ArrayList<>();
		for (int i = 0; i < 6; i++) {
			large.add(new Put(256 << 10, false));
		}
		this.transaction.commit(List.copyOf(large));
		assertThat(large).allSatisfy((request) -> assertThat(request.failure).isNull());
		assertThat(large.get(5).future()).isCompletedWithValue(7L);
		assertThat(this.engine.stats().mapSize()).isGreaterThan(mapBefore);
		this.transaction.publish();
		assertThat(storedPositions()).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
		assertThat(reopenedPositions()).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
	}

	@Test
	void aGroupThatFailsPartWayOnACallersThreadLeavesTheBatchToTheWriter() {
		Put first = new Put(8, false);
		this.transaction.commit(List.of(first));
		assertThat(this.transaction.unpublished()).isTrue();

		Put failing = new Put(8, true);
		assertThat(this.transaction.commitOnCaller(failing)).as("handed to the writer").isFalse();
		assertThat(failing.future()).isNotDone();
		// Another caller does not write into the spoiled batch either.
		Put other = new Put(8, false);
		assertThat(this.transaction.commitOnCaller(other)).isFalse();

		// The writer drops the spoiled batch (the first group comes back from the
		// journal), then applies the requests again.
		this.transaction.commit(List.of(failing, other));
		assertThat(failing.future()).isCompletedExceptionally();
		assertThat(failing.failure).hasMessage("refused after writing at 2");
		assertThat(other.future()).isCompletedWithValue(2L);
		assertThat(stored(1)).as("the first group, replayed").isTrue();
		this.transaction.publish();
		assertThat(storedPositions()).containsExactly(1L, 2L);
		assertThat(this.transaction.hasUnpublished()).isFalse();
		assertThat(reopenedPositions()).containsExactly(1L, 2L);
	}

	@Test
	void aStreamHeadWrittenByAGroupThatFailedInTheBatchIsNotSeenByTheNext() {
		GroupTransactionTest.HeadWrite.checkFailedHeadIsForgotten(this.transaction);
	}

	@Test
	void aStoreClosedWithItsBatchOpenKeepsTheBatchsGroups() {
		Put first = new Put(8, false);
		Put second = new Put(8, false);
		this.transaction.commit(List.of(first));
		this.transaction.commit(List.of(second));
		assertThat(this.transaction.unpublished()).isTrue();
		assertThat(reopenedPositions()).containsExactly(1L, 2L);
	}

	private boolean stored(long position) {
		try (ReadTxn txn = this.engine.beginRead()) {
			return txn.get(AuxTable.PROJECTIONS, GroupTransactionTest.key(position)) != null;
		}
	}

	/** The positions the tables hold, of the first 20. */
	private List<Long> storedPositions() {
		List<Long> positions = new ArrayList<>();
		for (long position = 1; position <= 20; position++) {
			if (stored(position)) {
				positions.add(position);
			}
		}
		return positions;
	}

	/** The positions held after the store is closed and opened again. */
	private List<Long> reopenedPositions() {
		this.engine.close();
		this.engine = openEngine();
		return storedPositions();
	}

}

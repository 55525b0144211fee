package io.varve.core.write;

import java.nio.charset.StandardCharsets;
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
import io.varve.core.storage.StreamRecord;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One group's transaction on a real LMDB file: a request that wrote before failing is
 * taken out and the group applied again without it; a full map grows and the same group
 * is applied again.
 */
class GroupTransactionTest {

	@TempDir
	Path dir;

	private LmdbStorageEngine engine;

	private final List<List<WriteRequest<?>>> finished = new ArrayList<>();

	private final List<CommitListener.Commit> commits = new ArrayList<>();

	private GroupTransaction transaction;

	@BeforeEach
	void open() {
		this.engine = LmdbStorageEngine
			.open(new StorageConfig(this.dir, 1 << 20, 64L << 20, CommitSync.NONE, 126, false, false, false));
		this.transaction = new GroupTransaction(this.engine, Clock.systemUTC(), "test", 0, 0, (group, failure) -> {
			this.finished.add(List.copyOf(group));
			group.forEach(WriteRequest::complete);
		});
		this.transaction.addListener(this.commits::add);
	}

	@AfterEach
	void close() {
		this.engine.close();
	}

	/**
	 * Takes the next position and stores {@code size} bytes under it; fails after writing
	 * if told to.
	 */
	static final class Put extends WriteRequest<Long> {

		private final int size;

		private final boolean failAfterWriting;

		Put(int size, boolean failAfterWriting) {
			super(false);
			this.size = size;
			this.failAfterWriting = failAfterWriting;
		}

		@Override
		protected Long apply(WriteContext context) {
			long position = context.nextPosition();
			context.txn().put(AuxTable.PROJECTIONS, key(position), new byte[this.size]);
			if (this.failAfterWriting) {
				throw new InvalidArgumentException("refused after writing at " + position);
			}
			return position;
		}

		@Override
		protected int eventCount() {
			return 1;
		}

		@Override
		protected long byteSize() {
			return this.size;
		}

	}

	/**
	 * Reads a stream's head and writes it back a version on; fails after writing if told
	 * to. Its result is the version it read.
	 */
	static final class HeadWrite extends WriteRequest<Long> {

		static final byte[] STREAM = "s".getBytes(StandardCharsets.UTF_8);

		private final boolean failAfterWriting;

		HeadWrite(boolean failAfterWriting) {
			super(false);
			this.failAfterWriting = failAfterWriting;
		}

		@Override
		protected Long apply(WriteContext context) {
			StreamRecord head = context.txn().stream(STREAM);
			long version = (head != null) ? head.version() : 0;
			long position = context.nextPosition();
			context.txn().putStream(STREAM, new StreamRecord(1, version + 1, 1, position, 0, 0));
			if (this.failAfterWriting) {
				throw new InvalidArgumentException("refused after writing version " + (version + 1));
			}
			return version;
		}

		@Override
		protected int eventCount() {
			return 1;
		}

		@Override
		protected long byteSize() {
			return 8;
		}

		/** Commits a head, then fails a group after writing the next, then reads it. */
		static void checkFailedHeadIsForgotten(GroupTransaction transaction) {
			HeadWrite first = new HeadWrite(false);
			transaction.commit(List.of(first));
			assertThat(first.future()).isCompletedWithValue(0L);
			HeadWrite failing = new HeadWrite(true);
			transaction.commit(List.of(failing));
			assertThat(failing.failure).hasMessage("refused after writing version 2");
			HeadWrite next = new HeadWrite(false);
			transaction.commit(List.of(next));
			assertThat(next.future()).as("the version read after the failed group").isCompletedWithValue(1L);
		}

	}

	@Test
	void aStreamHeadWrittenByAGroupThatFailedIsNotSeenByTheNext() {
		HeadWrite.checkFailedHeadIsForgotten(this.transaction);
	}

	@Test
	void aRequestThatWroteBeforeFailingIsTakenOutAndTheGroupAppliedAgainWithoutIt() {
		Put first = new Put(8, false);
		Put failing = new Put(8, true);
		Put last = new Put(8, false);
		this.transaction.commit(List.of(first, failing, last));
		assertThat(first.future()).isCompletedWithValue(1L);
		assertThat(last.future()).isCompletedWithValue(2L);
		assertThat(failing.future()).isCompletedExceptionally();
		assertThat(failing.failure).isInstanceOf(InvalidArgumentException.class)
			.hasMessage("refused after writing at 2");
		assertThat(this.transaction.headPosition()).isEqualTo(2);
		try (ReadTxn txn = this.engine.beginRead()) {
			assertThat(txn.get(AuxTable.PROJECTIONS, key(1))).isNotNull();
			assertThat(txn.get(AuxTable.PROJECTIONS, key(2))).isNotNull();
			assertThat(txn.get(AuxTable.PROJECTIONS, key(3))).isNull();
		}
		assertThat(this.commits).singleElement().satisfies((commit) -> {
			assertThat(commit.requests()).isEqualTo(2);
			assertThat(commit.failures()).isEqualTo(1);
			assertThat(commit.events()).isEqualTo(2);
			assertThat(commit.headPosition()).isEqualTo(2);
		});
		assertThat(this.finished).hasSize(1);
	}

	@Test
	void aGroupThatFillsTheMapGrowsItAndCommitsWhole() {
		long mapBefore = this.engine.stats().mapSize();
		List<Put> group = new ArrayList<>();
		for (int i = 0; i < 6; i++) {
			group.add(new Put(256 << 10, false));
		}
		this.transaction.commit(List.copyOf(group));
		assertThat(group).allSatisfy((request) -> assertThat(request.future()).isCompleted());
		assertThat(group.get(5).future()).isCompletedWithValue(6L);
		assertThat(this.engine.stats().mapSize()).isGreaterThan(mapBefore);
		assertThat(this.commits).singleElement().satisfies((commit) -> assertThat(commit.events()).isEqualTo(6));
		assertThat(this.finished).hasSize(1);
	}

	/** The key {@link Put} stores under for a position. */
	static byte[] key(long position) {
		return ("p" + position).getBytes(StandardCharsets.US_ASCII);
	}

}

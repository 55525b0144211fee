package io.varve.core.processor;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

import io.varve.InvalidArgumentException;
import io.varve.VarveClosedException;
import io.varve.core.codec.EnvelopeFilter;
import io.varve.core.read.EventReader;
import io.varve.core.storage.AuxTable;
import io.varve.core.storage.Keys;
import io.varve.core.storage.ReadTxn;
import io.varve.core.write.WriteContext;
import io.varve.core.write.WriteRequest;
import io.varve.processor.ErrorPolicy;
import io.varve.processor.ProcessorDefinition;
import io.varve.processor.ProcessorError;
import io.varve.processor.ProcessorStateException;
import io.varve.processor.RebuildStatus;

/**
 * A processor's rebuild, on a thread of its own: it fills the other generation of the
 * processor's projection tables from the log (the handler reads and writes that
 * generation; other processors' tables it reads live and may not write), committing its
 * position with each batch, while the processor goes on serving and handling live events
 * in the current generation. When it finds nothing more to handle it asks the processor
 * ({@link Takeover}) to let it finish between two of its batches: it handles the last
 * events and, in one transaction, makes its generation live, moves the processor's
 * checkpoint to its own and clears the processor's parked events, which the new code
 * handled. The old generation is then dropped in small transactions.
 * <p>
 * Handler failures go by the processor's retry policy; when the retries run out the
 * rebuild fails and its generation is dropped (it never parks: a projection missing
 * events is not made live). Its state is stored, so a rebuild interrupted by a shutdown
 * or a crash goes on from its position when the processor starts again.
 */
final class ProjectionRebuild implements Runnable, TablePrefixes {

	private static final System.Logger LOG = System.getLogger(ProjectionRebuild.class.getName());

	/** Keys deleted per transaction when a generation is dropped. */
	static final int DROP_CHUNK = 2_000;

	/** Batches handled with the processor held between its batches before letting go. */
	private static final int TAKEOVER_BATCHES = 8;

	/** How far back the rate is measured. */
	private static final long RATE_WINDOW_NANOS = TimeUnit.SECONDS.toNanos(10);

	/** The processor's side of the switch. */
	interface Takeover {

		/**
		 * Runs the rebuild's finish between two of the processor's batches and, when it
		 * made the new generation live, moves the processor on from the checkpoint it
		 * returns.
		 * @param finish handles the last events and commits the switch; returns the new
		 * checkpoint, or -1 when it did not switch (more events kept coming)
		 * @return whether it switched
		 */
		boolean takeOver(java.util.function.LongSupplier finish);

	}

	private final ProcessorDefinition definition;

	private final String name;

	private final ProcessorServices services;

	private final EnvelopeFilter filter;

	private final ProcessorCounters counters;

	private final Takeover takeover;

	private final CountDownLatch ended = new CountDownLatch(1);

	/** The generation each written table is filled in, by table. */
	private final Map<String, Integer> targets = new ConcurrentHashMap<>();

	/** Tables of other processors, which the rebuild reads live and may not write. */
	private final Map<String, String> foreign = new ConcurrentHashMap<>();

	private final ArrayDeque<long[]> samples = new ArrayDeque<>();

	private RebuildRecord record;

	private volatile RebuildStatus.State state;

	private volatile long position;

	private volatile long eventsHandled;

	private volatile double rate;

	private volatile boolean cancelled;

	private volatile boolean closing;

	private volatile @Nullable Instant endedAt;

	private volatile @Nullable String error;

	/**
	 * @param definition the processor
	 * @param services its store
	 * @param record the stored state to start or go on from
	 * @param takeover the processor's side of the switch
	 */
	ProjectionRebuild(ProcessorDefinition definition, ProcessorServices services, RebuildRecord record,
			Takeover takeover) {
		this.definition = definition.toBuilder().errorPolicy(ErrorPolicy.STOP).build();
		this.name = definition.name();
		this.services = services;
		this.filter = definition.asStored() ? EnvelopeFilter.of(definition.filter())
				: services.reader().compile(definition.filter());
		this.counters = new ProcessorCounters(services, 0);
		this.takeover = takeover;
		this.record = record;
		this.position = record.checkpoint();
		this.state = record.dropping() ? RebuildStatus.State.DROPPING_OLD : RebuildStatus.State.RUNNING;
		if (!record.dropping()) {
			this.targets.putAll(record.tables());
		}
	}

	// Where the handler's tables are

	@Override
	public byte[] prefix(String table) {
		String owner = owner(table);
		if (owner != null) {
			throw new InvalidArgumentException("Projection table '" + table + "' belongs to processor '" + owner
					+ "': a rebuild of processor '" + this.name + "' rebuilds only its own tables, and may only read "
					+ "other processors' tables. Write that table from one processor only");
		}
		return this.services.tables().prefix(table, target(table));
	}

	@Override
	public byte[] readPrefix(String table) {
		String owner = owner(table);
		return (owner != null) ? this.services.tables().prefix(table)
				: this.services.tables().prefix(table, target(table));
	}

	/**
	 * The other processor that owns a table, or null when it is this one's or nobody's.
	 */
	private @Nullable String owner(String table) {
		// Checks the name (the first time: prefixes are cached per table).
		this.services.tables().prefix(table, 0);
		String known = this.foreign.get(table);
		if (known != null || this.targets.containsKey(table)) {
			return known;
		}
		ProjectionTables.Entry entry = this.services.read((txn) -> ProjectionTables.entry(txn, table));
		if (entry != null && !entry.owner().equals(this.name)) {
			this.foreign.put(table, entry.owner());
			return entry.owner();
		}
		return null;
	}

	/** The generation the rebuild fills a table in: the one that is not live. */
	private int target(String table) {
		return this.targets.computeIfAbsent(table, (name) -> {
			ProjectionTables.Entry entry = this.services.read((txn) -> ProjectionTables.entry(txn, name));
			return (entry != null) ? 1 - entry.generation() : 1;
		});
	}

	// The thread

	@Override
	public void run() {
		try {
			if (!this.record.dropping()) {
				fill();
			}
			if (this.state == RebuildStatus.State.DROPPING_OLD) {
				drop(this.record.tables());
				commit(new ProcessorCommit(false, this.name, -1).deleteCheckpointEntry(RebuildRecord.key(this.name)));
				end(RebuildStatus.State.COMPLETED, null);
				LOG.log(Level.INFO, "The rebuild of processor '" + this.name + "' completed: its new projection "
						+ "tables are live and the old ones are dropped");
			}
		}
		catch (VarveClosedException ex) {
			LOG.log(Level.DEBUG, () -> "The rebuild of processor '" + this.name + "' stops: the store closed; it "
					+ "goes on from position " + this.position + " when the processor starts again");
		}
		catch (RuntimeException | Error ex) {
			abandon(this.counters.recordError(ex, null, 0));
		}
		finally {
			this.ended.countDown();
		}
	}

	private void fill() {
		while (!this.closing && this.state == RebuildStatus.State.RUNNING) {
			if (this.cancelled) {
				LOG.log(Level.INFO, "The rebuild of processor '" + this.name + "' was cancelled at position "
						+ this.position + "; its tables are dropped and the current ones stay live");
				abandon(null);
				return;
			}
			EventReader.Batch batch = read();
			if (batch.lastScanned() <= this.position) {
				if (this.takeover.takeOver(this::finish)) {
					return;
				}
				continue;
			}
			BatchOutcome outcome = handle(batch);
			if (outcome == null) {
				return;
			}
		}
	}

	private EventReader.Batch read() {
		return this.services.reader()
			.readBatch(this.position + 1, this.definition.batchSize(),
					Math.max(ProcessorLoop.SCAN_LIMIT, this.definition.batchSize()), this.filter,
					this.definition.asStored(), this.definition.receiveDeletions());
	}

	/**
	 * Handles and commits a batch; null when the handler failed and the rebuild ended.
	 */
	private @Nullable BatchOutcome handle(EventReader.Batch batch) {
		BatchOutcome outcome = new BatchRun(this.definition, this.counters, () -> this.cancelled || this.closing,
				this.services.committed(), this.services, this)
			.run(batch);
		if (outcome.failure() != null) {
			abandon(outcome.failure());
			return null;
		}
		if (outcome.checkpoint() > this.position) {
			Map<String, Integer> written = new TreeMap<>(this.record.tables());
			for (String table : outcome.writes().tables()) {
				written.put(table, this.targets.get(table));
			}
			RebuildRecord next = this.record.at(outcome.checkpoint(), written);
			commit(new ProcessorCommit(false, this.name, -1).projections(outcome.writes(), null)
				.checkpointEntry(RebuildRecord.key(this.name), next.encode()));
			this.record = next;
			this.eventsHandled += outcome.handled();
			advanced(outcome.checkpoint());
		}
		return outcome;
	}

	/**
	 * Runs between two of the processor's batches: handles what is left and makes the new
	 * generation live.
	 * @return the processor's new checkpoint, or -1 when events kept coming
	 */
	private long finish() {
		for (int i = 0; i < TAKEOVER_BATCHES; i++) {
			if (this.cancelled || this.closing) {
				return -1;
			}
			EventReader.Batch batch = read();
			if (batch.lastScanned() <= this.position) {
				return switchOver();
			}
			if (handle(batch) == null) {
				return -1;
			}
		}
		return -1;
	}

	private long switchOver() {
		long checkpoint = this.position;
		Map<String, Integer> written = this.record.tables();
		Map<String, ProjectionTables.Entry> live = new HashMap<>();
		Map<String, Integer> drops = new TreeMap<>();
		ProcessorCommit commit = new ProcessorCommit(false, this.name, checkpoint).unparkFrom(this.name, 0)
			.prepare((txn) -> {
				live.clear();
				drops.clear();
				switchTables(txn, written, live, drops);
			})
			.also((txn) -> {
				live.forEach((table, entry) -> ProjectionTables.put(txn, table, entry));
				RebuildRecord dropping = new RebuildRecord(true, this.record.fromPosition(), checkpoint,
						this.record.startedAtMicros(), drops);
				txn.put(AuxTable.CHECKPOINTS, RebuildRecord.key(this.name), dropping.encode());
			});
		commit(commit);
		this.services.tables().switched(live);
		this.record = new RebuildRecord(true, this.record.fromPosition(), checkpoint, this.record.startedAtMicros(),
				drops);
		this.state = RebuildStatus.State.DROPPING_OLD;
		LOG.log(Level.INFO, "The rebuild of processor '" + this.name + "' caught up at position " + checkpoint
				+ ": its projection tables " + written.keySet() + " are live; the old ones are being dropped");
		return checkpoint;
	}

	/**
	 * Inside the switch's transaction, before it writes: the written tables go live in
	 * their new generation; the processor's tables the rebuild did not write go live
	 * empty (the other generation). Every old generation is to be dropped.
	 */
	private void switchTables(ReadTxn txn, Map<String, Integer> written, Map<String, ProjectionTables.Entry> live,
			Map<String, Integer> drops) {
		Map<String, ProjectionTables.Entry> owned = ProjectionTables.ownedBy(txn, this.name);
		written.forEach((table, generation) -> {
			ProjectionTables.Entry entry = ProjectionTables.entry(txn, table);
			if (entry != null && !entry.owner().equals(this.name)) {
				throw new ProcessorStateException("Projection table '" + table + "' was first written by processor '"
						+ entry.owner() + "' during the rebuild of processor '" + this.name
						+ "', which wrote it too; the rebuild is abandoned. Write each table from one processor only");
			}
			// Without an entry the table may still hold data from before the directory.
			int old = (entry != null) ? entry.generation() : 0;
			drops.put(table, old);
			if (old == generation) {
				throw new ProcessorStateException("The rebuild of processor '" + this.name + "' filled the live "
						+ "generation of table '" + table + "'");
			}
			live.put(table, new ProjectionTables.Entry(generation, this.name));
		});
		owned.forEach((table, entry) -> {
			if (!written.containsKey(table)) {
				drops.put(table, entry.generation());
				live.put(table, new ProjectionTables.Entry(1 - entry.generation(), this.name));
			}
		});
	}

	/** Ends a rebuild that will not switch: its generation is dropped. */
	private void abandon(@Nullable ProcessorError failure) {
		try {
			if (!this.record.dropping()) {
				drop(this.record.tables());
				commit(new ProcessorCommit(false, this.name, -1).deleteCheckpointEntry(RebuildRecord.key(this.name)));
			}
		}
		catch (VarveClosedException ex) {
			// The stored state stays; the drop goes on when the processor starts again.
		}
		if (failure != null) {
			LOG.log(Level.ERROR,
					"The rebuild of processor '" + this.name + "' failed (" + ProcessorCounters.describe(failure)
							+ "); its tables are dropped and the current ones stay live. "
							+ "Fix the cause and rebuild again");
			end(RebuildStatus.State.FAILED, ProcessorCounters.describe(failure));
		}
		else {
			end(RebuildStatus.State.CANCELLED, null);
		}
	}

	/** Drops generations of tables, a bounded number of keys per transaction. */
	private void drop(Map<String, Integer> generations) {
		for (Map.Entry<String, Integer> table : generations.entrySet()) {
			byte[] prefix = ProcessorKeys.tablePrefix(table.getKey(), table.getValue());
			while (ProcessorServices.await(this.services.submit(new DropChunk(prefix))) == DROP_CHUNK) {
				// Appends and other processors commit between the chunks.
			}
		}
	}

	private long commit(ProcessorCommit commit) {
		return ProcessorServices.await(this.services.submit(commit));
	}

	private void advanced(long checkpoint) {
		this.position = checkpoint;
		long now = System.nanoTime();
		synchronized (this.samples) {
			this.samples.addLast(new long[] { now, checkpoint });
			while (this.samples.size() > 2 && now - this.samples.peekFirst()[0] > RATE_WINDOW_NANOS) {
				this.samples.removeFirst();
			}
			long[] first = this.samples.peekFirst();
			long elapsed = now - first[0];
			this.rate = (elapsed > 0) ? (checkpoint - first[1]) * 1e9 / elapsed : 0;
		}
	}

	private void end(RebuildStatus.State ended, @Nullable String message) {
		this.error = message;
		this.endedAt = this.services.now();
		this.state = ended;
	}

	// Control

	/**
	 * Asks the thread to cancel; returns whether it still could (the switch not made).
	 */
	boolean cancel() {
		if (this.state != RebuildStatus.State.RUNNING) {
			return false;
		}
		this.cancelled = true;
		return true;
	}

	/** Asks the thread to stop at the next batch, for the store's close. */
	void close() {
		this.closing = true;
	}

	/**
	 * Waits for the thread to end.
	 * @param timeout how long at most
	 * @return whether it ended
	 */
	boolean awaitEnd(Duration timeout) throws InterruptedException {
		return this.ended.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
	}

	boolean isEnded() {
		return this.ended.getCount() == 0;
	}

	RebuildStatus status() {
		long head = this.services.head();
		RebuildStatus.State now = this.state;
		double perSecond = this.rate;
		Duration remaining = null;
		if (now == RebuildStatus.State.RUNNING && perSecond > 0) {
			remaining = Duration.ofMillis((long) ((head - this.position) * 1000 / perSecond));
		}
		long micros = this.record.startedAtMicros();
		return new RebuildStatus(this.name, now, this.record.fromPosition(), this.position, head, this.eventsHandled,
				perSecond, remaining, Instant.ofEpochSecond(micros / 1_000_000, (micros % 1_000_000) * 1000),
				this.endedAt, this.error);
	}

	/** Deletes up to {@link #DROP_CHUNK} keys under a prefix; the result is how many. */
	private static final class DropChunk extends WriteRequest<Integer> {

		private final byte[] prefix;

		DropChunk(byte[] prefix) {
			super(false);
			this.prefix = prefix;
		}

		@Override
		protected Integer apply(WriteContext context) {
			return ProcessorTables.deleteUnder(context.txn(), AuxTable.PROJECTIONS, this.prefix, this.prefix,
					DROP_CHUNK);
		}

		@Override
		protected int eventCount() {
			return 0;
		}

		@Override
		protected long byteSize() {
			return DROP_CHUNK * 64L;
		}

	}

}

package io.varve.core.processor;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import io.varve.InvalidArgumentException;
import io.varve.VarveClosedException;
import io.varve.VarveException;
import io.varve.core.storage.ReadTxn;
import io.varve.processor.ParkedEvent;
import io.varve.processor.ProcessorDefinition;
import io.varve.processor.ProcessorError;
import io.varve.processor.ProcessorFailedException;
import io.varve.processor.ProcessorStateException;
import io.varve.processor.ProcessorStatus;
import io.varve.processor.ProcessorTimeoutException;
import io.varve.processor.RebuildStatus;
import io.varve.processor.ResetFailedException;
import io.varve.processor.StartPosition;

/**
 * One processor: the operations on it, each checked against its {@link ProcessorLifecycle
 * phase} and run between two batches of its thread. It builds the processor's parts once
 * and hands each class what it works with: what the thread does is in
 * {@link ProcessorLoop}, how the two coordinate in {@link WorkerSignals}.
 */
final class ProcessorRunner {

	private static final System.Logger LOG = System.getLogger(ProcessorRunner.class.getName());

	/** How long stopping waits for the batch in hand before interrupting the handler. */
	static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

	private final ProcessorDefinition definition;

	private final ProcessorServices services;

	private final WorkerSignals signals = new WorkerSignals();

	private final ProcessorCounters counters;

	private final ProcessorLifecycle lifecycle;

	private final CheckpointTracker checkpoints;

	private final ProcessorProgress progress;

	private final ParkedOperations parked;

	private final ProcessorStatusReport report;

	/** The rebuild started or resumed in this process, or null. */
	private volatile @Nullable ProjectionRebuild rebuild;

	ProcessorRunner(ProcessorDefinition definition, ProcessorServices services) {
		this.definition = definition;
		this.services = services;
		long[] stored = services.read((txn) -> new long[] { ProcessorTables.checkpoint(txn, definition.name()),
				ProcessorTables.parkedCount(txn, definition.name()) });
		this.counters = new ProcessorCounters(services, stored[1]);
		this.lifecycle = new ProcessorLifecycle(definition.name(), this.signals, this.counters::lastError);
		this.checkpoints = new CheckpointTracker(definition.name(), services, this.counters.eventsHandled);
		long handled = Math.max(0, stored[0]);
		this.checkpoints.restartAt(handled);
		this.progress = new ProcessorProgress(services, handled);
		this.parked = new ParkedOperations(definition, services, this.counters, this.checkpoints);
		this.report = new ProcessorStatusReport(definition, services, this.lifecycle, this.checkpoints.state(),
				this.counters, this.progress);
	}

	/** How the thread waits and is woken, for tests that watch it. */
	WorkerSignals signals() {
		return this.signals;
	}

	String name() {
		return this.definition.name();
	}

	// Lifecycle

	synchronized void start() {
		if (!this.lifecycle.checkStartable()) {
			return;
		}
		this.services.requireWritable();
		betweenBatches(() -> {
			long stored = this.services.read((txn) -> ProcessorTables.checkpoint(txn, name()));
			if (stored < 0) {
				stored = (this.definition.startPosition() == StartPosition.END) ? this.services.head() : 0;
				// Stored at once, so that a processor starting at the end stays where it
				// first started.
				this.checkpoints.commitNow(new ProcessorCommit(false, name(), stored));
			}
			this.checkpoints.restartAt(stored);
			this.progress.restartAt(stored);
			Thread worker = new Thread(new ProcessorLoop(this.definition, this.services, this.lifecycle, this.signals,
					this.checkpoints, this.counters, this.progress), "varve-processor[" + name() + "]");
			worker.setDaemon(true);
			this.lifecycle.started(worker);
			worker.start();
			return null;
		});
		RebuildRecord stored = this.services.read((txn) -> RebuildRecord.read(txn, name()));
		if (stored != null && (this.rebuild == null || this.rebuild.isEnded())) {
			LOG.log(Level.INFO, "Processor '" + name() + "' goes on with its rebuild from position "
					+ stored.checkpoint() + (stored.dropping() ? " (dropping the old tables)" : ""));
			startRebuild(stored);
		}
	}

	synchronized void restart() {
		this.lifecycle.restart();
		start();
	}

	void requestStop() {
		this.lifecycle.requestStop();
	}

	void awaitStopped() {
		this.signals.awaitStopped(name(), STOP_TIMEOUT);
	}

	void stop() {
		requestStop();
		awaitStopped();
	}

	void close() {
		this.lifecycle.close();
		ProjectionRebuild running = this.rebuild;
		if (running != null) {
			running.close();
		}
		awaitStopped();
		if (running != null) {
			awaitRebuildEnd(running, STOP_TIMEOUT);
		}
		this.checkpoints.state().wake();
	}

	/** Tells the thread that new events were committed. */
	void signal() {
		this.signals.signal();
	}

	/** Runs an operation between two batches of the thread. */
	private <T> T betweenBatches(Supplier<T> operation) {
		this.signals.lockForControl();
		try {
			try {
				// The last batch's commit may still be in flight: operations come after
				// it.
				this.checkpoints.awaitPipelined();
			}
			catch (RuntimeException ex) {
				// Recorded by the commit's completion, for the processor's thread to
				// handle.
			}
			return operation.get();
		}
		finally {
			this.signals.unlock();
		}
	}

	// Operations

	void pause() {
		this.lifecycle.pause();
		if (!this.signals.isWorkerThread()) {
			// Returns once the batch in hand has committed.
			betweenBatches(() -> null);
		}
	}

	void resume() {
		this.lifecycle.resume();
	}

	void reset(long fromPosition) {
		checkOperation("reset");
		long head = this.services.head();
		if (fromPosition < 0 || fromPosition > head + 1) {
			throw new InvalidArgumentException("Reset position of processor '" + name() + "' must be between 0 (the "
					+ "beginning) and " + (head + 1) + " (the head plus one), got " + fromPosition);
		}
		long checkpoint = Math.max(0, fromPosition - 1);
		betweenBatches(() -> {
			ProjectionBuffer buffer = new ProjectionBuffer();
			if (this.definition.resetCallback() != null) {
				runResetCallback(buffer, checkpoint + 1);
			}
			ProcessorCommit commit = new ProcessorCommit(false, name(), checkpoint)
				.projections(buffer, this.services.tables())
				.unparkFrom(name(), checkpoint + 1);
			this.counters.parked.addAndGet(commitReset(commit, checkpoint + 1));
			this.checkpoints.restartAt(checkpoint);
			this.progress.restartAt(checkpoint);
			return null;
		});
		this.signals.signal();
		LOG.log(Level.INFO,
				"Processor '" + name() + "' was reset to handle events again from position " + (checkpoint + 1));
	}

	private void runResetCallback(ProjectionBuffer buffer, long first) {
		try {
			this.definition.resetCallback()
				.reset(new BufferedProjectionStore(buffer, this.services.committed(), this.services.codec()), first);
			buffer.acceptEvent();
		}
		catch (Exception ex) {
			throw new ResetFailedException("The reset callback of processor '" + name()
					+ "' failed, so the reset was cancelled and nothing changed: " + ex, ex);
		}
	}

	private long commitReset(ProcessorCommit commit, long first) {
		try {
			return this.checkpoints.commitNow(commit);
		}
		catch (VarveClosedException ex) {
			throw ex;
		}
		catch (RuntimeException ex) {
			CommitFailure failure = new CommitFailure(
					"the reset's projection writes, checkpoint change and parked-event removals", ex);
			throw new ResetFailedException("The reset of processor '" + name() + "' to position " + first
					+ " was not stored, so it changed nothing: " + failure.describe(), ex);
		}
	}

	// Rebuilds

	synchronized void rebuild(long fromPosition) {
		checkOperation("rebuild");
		if (this.definition.barrier() != null) {
			throw new ProcessorStateException("Processor '" + name() + "' hands events to something outside the store "
					+ "(it has a batch barrier), so it has no projection tables to rebuild; to hand the events out "
					+ "again, reset it with reset(\"" + name() + "\", position)");
		}
		ProjectionRebuild running = this.rebuild;
		if (running != null && !running.isEnded()) {
			throw new ProcessorStateException("Processor '" + name() + "' is already being rebuilt ("
					+ running.status().state() + " at position " + running.status().position()
					+ "); wait for it with awaitRebuild, or " + "cancel it with cancelRebuild(\"" + name() + "\")");
		}
		long head = this.services.head();
		if (fromPosition < 0 || fromPosition > head + 1) {
			throw new InvalidArgumentException("Rebuild position of processor '" + name() + "' must be between 0 (the "
					+ "beginning) and " + (head + 1) + " (the head plus one), got " + fromPosition);
		}
		RebuildRecord stored = this.services.read((txn) -> RebuildRecord.read(txn, name()));
		if (stored != null) {
			LOG.log(Level.INFO, "Processor '" + name() + "' goes on with the rebuild an earlier run left at position "
					+ stored.checkpoint() + ", from position " + stored.fromPosition());
			startRebuild(stored);
			return;
		}
		long first = Math.max(1, fromPosition);
		LOG.log(Level.INFO, "Processor '" + name() + "' is rebuilt from position " + first
				+ " in new projection tables; the current ones serve until it catches up");
		startRebuild(new RebuildRecord(false, first, first - 1, this.services.nowMicros(), java.util.Map.of()));
	}

	private void startRebuild(RebuildRecord record) {
		ProjectionRebuild started = new ProjectionRebuild(this.definition, this.services, record, this::takeOver);
		Thread thread = new Thread(started, "varve-rebuild[" + name() + "]");
		thread.setDaemon(true);
		this.rebuild = started;
		thread.start();
	}

	/** The rebuild's switch, between two of this processor's batches. */
	private boolean takeOver(LongSupplier finish) {
		return betweenBatches(() -> {
			long checkpoint = finish.getAsLong();
			if (checkpoint < 0) {
				return false;
			}
			this.checkpoints.restartAt(checkpoint);
			this.progress.restartAt(checkpoint);
			this.counters.parked.set(this.services.read((txn) -> ProcessorTables.parkedCount(txn, name())));
			this.counters.holds.reload(this.services, this.definition);
			this.signals.signal();
			return true;
		});
	}

	void cancelRebuild() {
		checkNotClosed();
		ProjectionRebuild running = this.rebuild;
		if (running == null || running.isEnded()) {
			throw new ProcessorStateException("Processor '" + name() + "' is not being rebuilt");
		}
		if (!running.cancel()) {
			throw new ProcessorStateException("The rebuild of processor '" + name() + "' can no longer be cancelled: "
					+ "its projection tables are live already and the old ones are being dropped");
		}
		awaitRebuildEnd(running, STOP_TIMEOUT);
	}

	java.util.Optional<RebuildStatus> rebuildStatus() {
		checkNotClosed();
		ProjectionRebuild running = this.rebuild;
		return (running != null) ? java.util.Optional.of(running.status()) : java.util.Optional.empty();
	}

	RebuildStatus awaitRebuild(Duration timeout) {
		checkNotClosed();
		if (timeout == null || timeout.isNegative()) {
			throw new InvalidArgumentException("Timeout must be zero or positive, got " + timeout);
		}
		ProjectionRebuild running = this.rebuild;
		if (running == null) {
			throw new ProcessorStateException("Processor '" + name() + "' has not been rebuilt since the store "
					+ "opened; start one with rebuild(\"" + name() + "\")");
		}
		if (!awaitRebuildEnd(running, timeout)) {
			RebuildStatus status = running.status();
			throw new ProcessorTimeoutException(
					"The rebuild of processor '" + name() + "' did not end within " + timeout + ": it is "
							+ status.state() + " at position " + status.position() + " of " + status.headPosition());
		}
		return running.status();
	}

	private boolean awaitRebuildEnd(ProjectionRebuild running, Duration timeout) {
		try {
			return running.awaitEnd(timeout);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new VarveException("Interrupted while waiting for the rebuild of processor '" + name() + "'", ex);
		}
	}

	boolean retryParked(long position) {
		checkOperation("retry a parked event of");
		return betweenBatches(() -> this.parked.retry(position));
	}

	void discardParked(long position) {
		checkNotClosed();
		this.services.requireWritable();
		// Between batches like the other operations, so that its commit never overtakes
		// one of the thread's.
		betweenBatches(() -> {
			this.parked.discard(position);
			return null;
		});
	}

	List<ParkedEvent> parked(long afterPosition, int limit) {
		checkNotClosed();
		return this.parked.list(afterPosition, limit);
	}

	void awaitProcessed(long position, Duration timeout) {
		checkNotClosed();
		if (position < 0) {
			throw new InvalidArgumentException("Position to await must be 0 or more, got " + position);
		}
		if (timeout == null || timeout.isNegative()) {
			throw new InvalidArgumentException("Timeout must be zero or positive, got " + timeout);
		}
		// Processors read what the writer has published: have it publish what the caller
		// may have appended, rather than wait for the batch to end.
		if (this.checkpoints.state().committed() < position) {
			this.services.publishAcknowledged();
		}
		boolean reached;
		try {
			reached = this.checkpoints.state().await(position, CheckpointTracker.nanos(timeout), () -> {
				ProcessorPhase phase = this.lifecycle.phase();
				return phase.isFailed() || phase == ProcessorPhase.CLOSED;
			});
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new VarveException(
					"Interrupted while waiting for processor '" + name() + "' to reach position " + position, ex);
		}
		if (reached) {
			return;
		}
		if (this.lifecycle.phase().isFailed()) {
			ProcessorError error = this.counters.lastError();
			throw new ProcessorFailedException(
					"Processor '" + name() + "' is FAILED (" + ProcessorCounters.describe(error)
							+ ") and will not reach position " + position + "; fix the cause and restart it",
					error);
		}
		checkNotClosed();
		ProcessorStatus status = status();
		throw new ProcessorTimeoutException("Processor '" + name() + "' did not reach position " + position + " within "
				+ timeout + ": it is " + status.state() + " at checkpoint " + status.checkpoint() + " with the head at "
				+ status.headPosition() + advice(status));
	}

	private String advice(ProcessorStatus status) {
		return switch (status.state()) {
			case STOPPED -> "; start it with start(\"" + name() + "\")";
			case RETRYING -> "; " + status.lastError().message();
			default -> "";
		};
	}

	ProcessorStatus status() {
		return this.report.status();
	}

	/**
	 * The status as of a snapshot the caller holds; see {@link ProcessorStatusReport}.
	 */
	ProcessorStatus status(ReadTxn txn) {
		return this.report.status(txn);
	}

	private void checkNotClosed() {
		this.lifecycle.checkOpen();
	}

	/** Checks an operation that changes stored state and runs between batches. */
	private void checkOperation(String action) {
		checkNotClosed();
		if (this.signals.isWorkerThread()) {
			throw new ProcessorStateException("Cannot " + action + " processor '" + name()
					+ "' from its own handler; call it from another thread");
		}
		this.services.requireWritable();
	}

}

package io.varve.boot.actuate;

import java.util.List;
import java.util.function.Function;

import io.varve.StoreInfo;
import io.varve.Varve;
import io.varve.core.DefaultVarve;
import io.varve.core.processor.DefaultProcessorRegistry;
import io.varve.core.storage.ReadTxn;
import io.varve.processor.ParkedEvent;
import io.varve.processor.ProcessorRegistry;
import io.varve.processor.ProcessorStatus;
import io.varve.processor.UnknownProcessorException;

/**
 * The figures of one report, read so that they agree with each other. For the store that
 * {@link Varve#open} builds, everything comes from one read transaction: the head, the
 * stream count, every processor's checkpoint, lag, oldest-event age and parked list.
 * Storage sizes are those of the file at the same moment. Any other {@link Varve}
 * implementation (a decorator, a test double) is read call by call through the public
 * API.
 */
abstract class StoreSnapshot {

	/**
	 * Reads a report from one snapshot of a store.
	 * @param <T> the report type
	 * @param varve the store
	 * @param report builds the report; it must not keep the snapshot
	 * @return the report
	 */
	static <T> T read(Varve varve, Function<StoreSnapshot, T> report) {
		if (varve instanceof DefaultVarve store && store.processors() instanceof DefaultProcessorRegistry registry) {
			return store.read((txn) -> report.apply(new TransactionSnapshot(store, registry, txn)));
		}
		return report.apply(new CallByCallSnapshot(varve));
	}

	/** Position of the last event, 0 when the log is empty. */
	abstract long headPosition();

	/** Number of streams. */
	abstract long streamCount();

	/** Storage settings and sizes. */
	abstract StoreInfo storeInfo();

	/** Every processor's status, in registration order. */
	abstract List<ProcessorStatus> processors();

	/**
	 * One processor's status.
	 * @param name the processor's name
	 * @return the status, or null when no such processor is registered
	 */
	abstract ProcessorStatus processor(String name);

	/**
	 * A page of a processor's parked events.
	 * @param name the processor's name
	 * @param afterPosition list events after this position
	 * @param limit the most events to return
	 * @return the page
	 */
	abstract List<ParkedEvent> parked(String name, long afterPosition, int limit);

	private static final class TransactionSnapshot extends StoreSnapshot {

		private final DefaultVarve store;

		private final DefaultProcessorRegistry registry;

		private final ReadTxn txn;

		TransactionSnapshot(DefaultVarve store, DefaultProcessorRegistry registry, ReadTxn txn) {
			this.store = store;
			this.registry = registry;
			this.txn = txn;
		}

		@Override
		long headPosition() {
			return this.txn.headPosition();
		}

		@Override
		long streamCount() {
			return this.txn.streamCount();
		}

		@Override
		StoreInfo storeInfo() {
			return this.store.storeInfo();
		}

		@Override
		List<ProcessorStatus> processors() {
			return this.registry.statuses(this.txn);
		}

		@Override
		ProcessorStatus processor(String name) {
			try {
				return this.registry.status(name, this.txn);
			}
			catch (UnknownProcessorException ex) {
				return null;
			}
		}

		@Override
		List<ParkedEvent> parked(String name, long afterPosition, int limit) {
			return this.registry.parked(name, this.txn, afterPosition, limit);
		}

	}

	private static final class CallByCallSnapshot extends StoreSnapshot {

		private final Varve varve;

		CallByCallSnapshot(Varve varve) {
			this.varve = varve;
		}

		@Override
		long headPosition() {
			return this.varve.headPosition();
		}

		@Override
		long streamCount() {
			return this.varve.streamCount();
		}

		@Override
		StoreInfo storeInfo() {
			return this.varve.storeInfo();
		}

		@Override
		List<ProcessorStatus> processors() {
			return registry().statuses();
		}

		@Override
		ProcessorStatus processor(String name) {
			try {
				return registry().status(name);
			}
			catch (UnknownProcessorException ex) {
				return null;
			}
		}

		@Override
		List<ParkedEvent> parked(String name, long afterPosition, int limit) {
			return registry().parked(name, afterPosition, limit);
		}

		private ProcessorRegistry registry() {
			return this.varve.processors();
		}

	}

}

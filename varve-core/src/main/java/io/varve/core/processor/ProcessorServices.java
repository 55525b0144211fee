package io.varve.core.processor;

import java.time.Clock;
import java.time.Instant;
import java.util.function.Function;

import io.varve.ReadOnlyStoreException;
import io.varve.RecordedEvent;
import io.varve.VarveListener.HandlerScope;
import io.varve.core.listen.Listeners;
import io.varve.core.read.EventReader;
import io.varve.core.codec.PayloadCodec;
import io.varve.core.storage.ReadTxn;
import io.varve.core.storage.StorageEngine;
import io.varve.core.util.Threads;
import io.varve.core.write.GroupCommitWriter;
import io.varve.core.write.WriteRequest;

/**
 * What processors use of their store. Reads go to the storage engine directly rather than
 * through the store's public methods, because processors still finish their batch while
 * the store is closing.
 */
final class ProcessorServices {

	private final StorageEngine engine;

	private final EventReader reader;

	private final GroupCommitWriter writer;

	private final PayloadCodec codec;

	private final Clock clock;

	private final String storeName;

	private final CommittedProjections committed;

	private final Listeners listeners;

	ProcessorServices(StorageEngine engine, EventReader reader, GroupCommitWriter writer, PayloadCodec codec,
			Clock clock, String storeName, Listeners listeners) {
		this.engine = engine;
		this.reader = reader;
		this.writer = writer;
		this.codec = codec;
		this.clock = clock;
		this.storeName = storeName;
		ProjectionTables tables = new ProjectionTables();
		read((txn) -> {
			tables.load(txn);
			return null;
		});
		this.committed = new CommittedProjections(this::read, codec, tables);
		this.listeners = listeners;
	}

	/**
	 * Calls a processor's handler inside the listeners' scopes.
	 * @param definition the processor
	 * @param event the event
	 * @param context the handler's context
	 * @throws Exception what the handler throws
	 */
	void handle(io.varve.processor.ProcessorDefinition definition, RecordedEvent event,
			io.varve.processor.ProcessorContext context) throws Exception {
		if (event.isShredded() && !definition.receivesShredded()) {
			// A forgotten stream's event: nothing to handle, the checkpoint moves on.
			return;
		}
		if (this.listeners.isEmpty()) {
			definition.handler().handle(event, context);
			return;
		}
		HandlerScope scope = this.listeners.handlerStarted(definition.name(), event);
		Throwable failure = null;
		try {
			definition.handler().handle(event, context);
		}
		catch (Exception | Error ex) {
			failure = ex;
			throw ex;
		}
		finally {
			scope.ended(failure);
		}
	}

	<T> T read(Function<ReadTxn, T> function) {
		try (ReadTxn txn = this.engine.beginRead()) {
			return function.apply(txn);
		}
	}

	EventReader reader() {
		return this.reader;
	}

	PayloadCodec codec() {
		return this.codec;
	}

	CommittedProjections committed() {
		return this.committed;
	}

	/** The directory of projection tables: owners and live generations. */
	ProjectionTables tables() {
		return this.committed.tables();
	}

	/** A processor at the head of the log waits for the next publish. */
	void followerWaiting() {
		if (this.writer != null) {
			this.writer.followerWaiting();
		}
	}

	/** A processor stopped waiting for the next publish. */
	void followerDone() {
		if (this.writer != null) {
			this.writer.followerDone();
		}
	}

	/** Has the writer publish every acknowledged append, so that processors see it. */
	void publishAcknowledged() {
		if (this.writer != null) {
			this.writer.awaitVisible();
		}
	}

	long head() {
		return (this.writer != null) ? this.writer.headPosition() : read(ReadTxn::headPosition);
	}

	long nowMicros() {
		Instant now = this.clock.instant();
		return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
	}

	Instant now() {
		return this.clock.instant();
	}

	<R> java.util.concurrent.CompletableFuture<R> submit(WriteRequest<R> request) {
		requireWritable();
		return this.writer.submit(request);
	}

	void requireWritable() {
		if (this.writer == null) {
			throw new ReadOnlyStoreException("The store " + this.storeName
					+ " was opened read-only; run processors in the process that owns it");
		}
	}

	/**
	 * Waits for a write, rethrowing its failure as it is. The commit is queued and will
	 * happen, so an interrupt does not stop the wait: what is reported matches what is
	 * stored.
	 */
	static <R> R await(java.util.concurrent.CompletableFuture<R> future) {
		return Threads.awaitUninterruptibly(future, "Processor commit");
	}

}

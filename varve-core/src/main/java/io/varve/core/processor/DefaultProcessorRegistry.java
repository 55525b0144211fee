package io.varve.core.processor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.time.Clock;

import io.varve.VarveClosedException;
import io.varve.core.codec.EventTypeRegistry;
import io.varve.core.codec.PayloadCodec;
import io.varve.core.listen.Listeners;
import io.varve.core.read.EventReader;
import io.varve.core.storage.StorageEngine;
import io.varve.core.storage.ReadTxn;
import io.varve.core.write.GroupCommitWriter;
import io.varve.processor.DuplicateProcessorException;
import io.varve.processor.ParkedEvent;
import io.varve.processor.ProcessorDefinition;
import io.varve.processor.ProcessorDetail;
import io.varve.processor.ProcessorRegistry;
import io.varve.processor.ProcessorStatus;
import io.varve.processor.ProjectionView;
import io.varve.processor.RebuildStatus;
import io.varve.processor.UnknownProcessorException;

/**
 * The processors of one store. Listens to the writer's commits to wake processors that
 * wait for new events; closing it stops them all.
 */
public final class DefaultProcessorRegistry implements ProcessorRegistry, AutoCloseable {

	private final ProcessorServices services;

	private final EventTypeRegistry eventTypes;

	private final GroupCommitWriter writer;

	private final Map<String, ProcessorRunner> runners = new ConcurrentHashMap<>();

	private final List<String> order = new ArrayList<>();

	/** Wakes the processors whenever readers see more of the log. */
	private final Runnable listener = this::published;

	private final Listeners listeners;

	private volatile boolean closed;

	private DefaultProcessorRegistry(ProcessorServices services, EventTypeRegistry eventTypes, GroupCommitWriter writer,
			Listeners listeners) {
		this.services = services;
		this.eventTypes = eventTypes;
		this.writer = writer;
		this.listeners = listeners;
		if (writer != null) {
			writer.addPublishListener(this.listener);
		}
	}

	/**
	 * Creates the registry of a store.
	 * @param engine the storage engine, which processors still read while the store
	 * closes
	 * @param reader turns stored envelopes into events
	 * @param writer the store's writer, or null when it is read-only
	 * @param codec the store's payload codec
	 * @param eventTypes the store's event type registry
	 * @param clock the store's clock
	 * @param storeName names the store in messages
	 * @param listeners told of registrations and handler invocations
	 * @return the registry; close it before the store's writer closes
	 */
	public static DefaultProcessorRegistry create(StorageEngine engine, EventReader reader, GroupCommitWriter writer,
			PayloadCodec codec, EventTypeRegistry eventTypes, Clock clock, String storeName, Listeners listeners) {
		ProcessorServices services = new ProcessorServices(engine, reader, writer, codec, clock, storeName, listeners);
		return new DefaultProcessorRegistry(services, eventTypes, writer, listeners);
	}

	private void published() {
		for (ProcessorRunner runner : this.runners.values()) {
			runner.signal();
		}
	}

	@Override
	public void register(ProcessorDefinition definition) {
		checkOpen();
		if (definition == null) {
			throw new io.varve.InvalidArgumentException("Processor definition must not be null");
		}
		synchronized (this.order) {
			if (this.runners.containsKey(definition.name())) {
				throw new DuplicateProcessorException("A processor named '" + definition.name()
						+ "' is already registered; processor names are unique in a store, choose another");
			}
			definition.eventTypes().forEach(this.eventTypes::register);
			this.runners.put(definition.name(), new ProcessorRunner(definition, this.services));
			this.order.add(definition.name());
		}
		this.listeners.processorRegistered(definition.name());
	}

	@Override
	public List<String> names() {
		synchronized (this.order) {
			return List.copyOf(this.order);
		}
	}

	@Override
	public void start(String name) {
		runner(name).start();
	}

	@Override
	public void startAll() {
		checkOpen();
		for (ProcessorRunner runner : runners()) {
			if (runner.status().state() == io.varve.processor.ProcessorState.STOPPED) {
				runner.start();
			}
		}
	}

	@Override
	public void stop(String name) {
		runner(name).stop();
	}

	@Override
	public void stopAll() {
		List<ProcessorRunner> all = runners();
		// Ask all first, so that their batches finish side by side.
		all.forEach(ProcessorRunner::requestStop);
		all.forEach(ProcessorRunner::awaitStopped);
	}

	@Override
	public void pause(String name) {
		runner(name).pause();
	}

	@Override
	public void resume(String name) {
		runner(name).resume();
	}

	@Override
	public void restart(String name) {
		runner(name).restart();
	}

	@Override
	public void reset(String name, long fromPosition) {
		runner(name).reset(fromPosition);
	}

	@Override
	public ProcessorStatus status(String name) {
		return runner(name).status();
	}

	@Override
	public List<ProcessorStatus> statuses() {
		checkOpen();
		return runners().stream().map(ProcessorRunner::status).toList();
	}

	/**
	 * The status of every registered processor, in registration order, as of a snapshot
	 * the caller holds: checkpoints, head, lag, the age of the oldest unhandled event and
	 * parked counts are read from it, so they agree with each other and with anything
	 * else read from it. States and counters are the processors' own, at this moment.
	 * @param txn the snapshot
	 * @return the statuses
	 */
	public List<ProcessorStatus> statuses(ReadTxn txn) {
		checkOpen();
		return runners().stream().map((runner) -> runner.status(txn)).toList();
	}

	/**
	 * A processor's status as of a snapshot the caller holds, as
	 * {@link #statuses(ReadTxn)}.
	 * @param name the processor's name
	 * @param txn the snapshot
	 * @return the status
	 * @throws UnknownProcessorException if no such processor is registered
	 */
	public ProcessorStatus status(String name, ReadTxn txn) {
		return runner(name).status(txn);
	}

	/**
	 * A page of a processor's dead-letter list as of a snapshot the caller holds.
	 * @param name the processor's name
	 * @param txn the snapshot
	 * @param afterPosition list events after this position (0 for the first page)
	 * @param limit the most events to return, 1 to 10,000
	 * @return the page
	 */
	public List<ParkedEvent> parked(String name, ReadTxn txn, long afterPosition, int limit) {
		runner(name);
		if (afterPosition < 0) {
			throw new io.varve.InvalidArgumentException("afterPosition must be 0 or more, got " + afterPosition);
		}
		CommittedProjections.checkLimit(limit);
		return ProcessorTables.parked(txn, name, afterPosition, limit);
	}

	@Override
	public List<ParkedEvent> parked(String name, long afterPosition, int limit) {
		return runner(name).parked(afterPosition, limit);
	}

	@Override
	public ProcessorDetail detail(String name, long afterPosition, int limit) {
		ProcessorRunner runner = runner(name);
		return this.services.read((txn) -> {
			List<ParkedEvent> parked = parked(name, txn, afterPosition, limit);
			return new ProcessorDetail(runner.status(txn), parked);
		});
	}

	@Override
	public boolean retryParked(String name, long position) {
		return runner(name).retryParked(position);
	}

	@Override
	public void discardParked(String name, long position) {
		runner(name).discardParked(position);
	}

	@Override
	public void awaitProcessed(String name, long position, Duration timeout) {
		runner(name).awaitProcessed(position, timeout);
	}

	@Override
	public void rebuild(String name, long fromPosition) {
		runner(name).rebuild(fromPosition);
	}

	@Override
	public Optional<RebuildStatus> rebuildStatus(String name) {
		return runner(name).rebuildStatus();
	}

	@Override
	public RebuildStatus awaitRebuild(String name, Duration timeout) {
		return runner(name).awaitRebuild(timeout);
	}

	@Override
	public void cancelRebuild(String name) {
		runner(name).cancelRebuild();
	}

	@Override
	public ProjectionView projections() {
		checkOpen();
		return this.services.committed();
	}

	/** The runner of a processor, for tests in this package. */
	ProcessorRunner runner(String name) {
		checkOpen();
		ProcessorRunner runner = (name != null) ? this.runners.get(name) : null;
		if (runner == null) {
			throw new UnknownProcessorException("No processor named '" + name + "' is registered; registered are "
					+ names() + ". Register it with register(ProcessorDefinition) first");
		}
		return runner;
	}

	private List<ProcessorRunner> runners() {
		synchronized (this.order) {
			return this.order.stream().map(this.runners::get).toList();
		}
	}

	private void checkOpen() {
		if (this.closed) {
			throw new VarveClosedException("The store is closed, and its processors with it");
		}
	}

	/** Stops every processor (each after its batch) and stops listening to the writer. */
	@Override
	public void close() {
		if (this.closed) {
			return;
		}
		stopAll();
		this.closed = true;
		runners().forEach(ProcessorRunner::close);
		if (this.writer != null) {
			this.writer.removePublishListener(this.listener);
		}
	}

}

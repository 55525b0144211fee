package io.varve.processor;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The processors of one store: registration, lifecycle, status, control and
 * read-your-writes. Get it with {@link io.varve.Varve#processors()}; it is thread-safe.
 * Closing the store stops every processor, letting the batch in hand commit first.
 *
 * <pre>{@code
 * ProcessorRegistry processors = varve.processors();
 * processors.register(ProcessorDefinition.builder("balances")
 *     .filter(EventFilter.categories("account"))
 *     .handler((event, context) -> {
 *         if (event.data() instanceof Deposited deposited) {
 *             ProjectionStore store = context.projections();
 *             long balance = store.get("balances", event.stream(), Long.class).orElse(0L);
 *             store.put("balances", event.stream(), balance + deposited.amount());
 *         }
 *     })
 *     .build());
 * processors.start("balances");
 *
 * AppendResult appended = varve.append("account-42", ExpectedVersion.any(), new Deposited(100));
 * processors.awaitProcessed("balances", appended.lastPosition(), Duration.ofSeconds(5));
 * long balance = processors.projections().get("balances", "account-42", Long.class).orElseThrow();
 * }</pre>
 *
 * <p>
 * Each processor runs on its own thread, catches up from its checkpoint in batches and
 * then waits for new commits. A slow processor slows neither appends nor other
 * processors.
 */
public interface ProcessorRegistry {

	/**
	 * Registers a processor, without starting it. Its event classes are registered with
	 * the store.
	 * @param definition the definition
	 * @throws DuplicateProcessorException if a processor of that name is registered
	 */
	void register(ProcessorDefinition definition);

	/** The names of the registered processors, in registration order. */
	List<String> names();

	/**
	 * Starts a processor: it resumes from its checkpoint, or from its start position if
	 * it has none. Does nothing if it is running.
	 * @param name the processor's name
	 * @throws UnknownProcessorException if no such processor is registered
	 * @throws ProcessorStateException if it is FAILED; use {@link #restart(String)}
	 * @throws io.varve.ReadOnlyStoreException if the store is read-only
	 */
	void start(String name);

	/** Starts every registered processor that is stopped (FAILED ones stay FAILED). */
	void startAll();

	/**
	 * Stops a processor after its current batch commits. Does nothing if it is not
	 * running.
	 * @param name the processor's name
	 */
	void stop(String name);

	/** Stops every processor, each after its current batch commits. */
	void stopAll();

	/**
	 * Pauses a processor: returns once its current batch has committed; it then handles
	 * nothing until {@link #resume(String)}. A processor paused before it starts starts
	 * paused.
	 * @param name the processor's name
	 */
	void pause(String name);

	/**
	 * Resumes a paused processor.
	 * @param name the processor's name
	 */
	void resume(String name);

	/**
	 * Restarts a FAILED processor from its checkpoint, that is from the event that
	 * failed; starts a stopped one; does nothing to a running one.
	 * @param name the processor's name
	 */
	void restart(String name);

	/**
	 * Moves a processor's checkpoint so that it handles events again from a position (or
	 * skips ahead to it). The reset callback runs first, and its projection writes, the
	 * checkpoint change and the removal of parked entries at or after the position commit
	 * in one transaction. A running processor picks up from there after its current
	 * batch.
	 * @param name the processor's name
	 * @param fromPosition the first position to handle: 0 or 1 for the beginning, at most
	 * the head position plus one
	 * @throws ResetFailedException if the reset callback threw or the reset's commit
	 * failed; nothing changed
	 */
	void reset(String name, long fromPosition);

	/**
	 * A processor's status.
	 * @param name the processor's name
	 * @return the status
	 */
	ProcessorStatus status(String name);

	/** The status of every registered processor, in registration order. */
	List<ProcessorStatus> statuses();

	/**
	 * The events in a processor's dead-letter list, in position order.
	 * @param name the processor's name
	 * @return the parked events (at most 10,000; page with
	 * {@link #parked(String, long, int)} for more)
	 */
	default List<ParkedEvent> parked(String name) {
		return parked(name, 0, 10_000);
	}

	/**
	 * A page of a processor's dead-letter list, in position order.
	 * @param name the processor's name
	 * @param afterPosition list events after this position (0 for the first page)
	 * @param limit the most events to return, 1 to 10,000
	 * @return the page
	 */
	List<ParkedEvent> parked(String name, long afterPosition, int limit);

	/**
	 * A processor's status and a page of its parked events, read from one snapshot so
	 * that they agree (the parked count matches the list when it fits in one page).
	 * <p>
	 * This default reads them call by call, for implementations that wrap a registry; the
	 * store's own registry reads them from one snapshot.
	 * @param name the processor's name
	 * @param afterPosition list parked events after this position (0 for the first page)
	 * @param limit the most parked events to list, 1 to 10,000
	 * @return the status and the page
	 * @throws UnknownProcessorException if no such processor is registered
	 */
	default ProcessorDetail detail(String name, long afterPosition, int limit) {
		return new ProcessorDetail(status(name), parked(name, afterPosition, limit));
	}

	/**
	 * Hands a parked event to the processor's handler again, once, after the current
	 * batch. If the handler succeeds, its projection writes and the removal of the entry
	 * commit together; if it fails, the entry stays with the new error. The event is
	 * handled out of order, after events that came later in the log.
	 * @param name the processor's name
	 * @param position the parked event's position
	 * @return true if the handler succeeded and the entry is gone, false if it failed
	 * again
	 * @throws io.varve.InvalidArgumentException if no event is parked at that position
	 */
	boolean retryParked(String name, long position);

	/**
	 * Removes an event from a processor's dead-letter list without handling it.
	 * @param name the processor's name
	 * @param position the parked event's position
	 * @throws io.varve.InvalidArgumentException if no event is parked at that position
	 */
	void discardParked(String name, long position);

	/**
	 * Waits until a processor's committed checkpoint reaches a position, such as the
	 * {@link io.varve.AppendResult#lastPosition()} of an append, so that a query made
	 * next sees that event's effect on the projection (read-your-writes).
	 * @param name the processor's name
	 * @param position the position to wait for
	 * @param timeout how long to wait at most
	 * @throws ProcessorTimeoutException if the timeout passes first
	 * @throws ProcessorFailedException if the processor is FAILED (at once, or when it
	 * fails while waiting)
	 */
	void awaitProcessed(String name, long position, Duration timeout);

	/**
	 * Rebuilds a processor's projection tables from the beginning of the log without
	 * stopping it; see {@link #rebuild(String, long)}.
	 * @param name the processor's name
	 */
	default void rebuild(String name) {
		rebuild(name, 1);
	}

	/**
	 * Rebuilds a processor's projection tables without stopping it, for a projection
	 * whose code changed. A second runner, on a thread of its own, hands the events from
	 * a position on to the processor's handler, which writes a new generation of every
	 * table it writes, while queries and the processor's live events keep using the
	 * current generation. Once the rebuild has caught up with the head it takes over
	 * between two of the processor's batches: in one transaction the new generation goes
	 * live for queries and the processor, the processor's checkpoint moves to the
	 * rebuild's, and its parked events are cleared (the new code handled them); the old
	 * generation is then dropped in small transactions. Queries never see a half-built
	 * generation.
	 * <p>
	 * The handler's tables are the processor's own (the tables it was first to write);
	 * other processors' tables it may read (it sees them live) but not write. A handler
	 * failure goes by the retry policy; when the retries run out the rebuild fails and
	 * its tables are dropped: it never parks events, so that a projection missing some is
	 * never made live. A rebuild is stored as it goes: after a shutdown or a crash it
	 * goes on from where it was when the processor starts again. Processors with a
	 * {@link BatchBarrier}, which hand events outside the store, have no tables to
	 * rebuild: reset them instead.
	 * @param name the processor's name
	 * @param fromPosition the first position to handle: 0 or 1 for the beginning, at most
	 * the head position plus one (events before it leave no trace in the new tables)
	 * @throws ProcessorStateException if a rebuild of the processor is in progress, or it
	 * has a batch barrier
	 * @throws io.varve.ReadOnlyStoreException if the store is read-only
	 */
	void rebuild(String name, long fromPosition);

	/**
	 * The progress of a processor's rebuild: the one running, or the last one started in
	 * this process.
	 * @param name the processor's name
	 * @return the status, or empty when none was started since the store opened
	 */
	Optional<RebuildStatus> rebuildStatus(String name);

	/**
	 * Waits until a processor's rebuild has completed, was cancelled or failed.
	 * @param name the processor's name
	 * @param timeout how long to wait at most
	 * @return its final status
	 * @throws ProcessorStateException if no rebuild was started since the store opened
	 * @throws ProcessorTimeoutException if the timeout passes first
	 */
	RebuildStatus awaitRebuild(String name, Duration timeout);

	/**
	 * Cancels a processor's rebuild and drops the tables it filled; the current tables
	 * stay live. Returns once that is done.
	 * @param name the processor's name
	 * @throws ProcessorStateException if no rebuild is in progress, or it has already
	 * made its tables live
	 */
	void cancelRebuild(String name);

	/**
	 * Read access to the committed state of projection tables, for query code. Each call
	 * reads one consistent snapshot.
	 * @return the view
	 */
	ProjectionView projections();

}

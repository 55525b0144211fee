package io.varve;

import java.util.List;

import io.varve.core.DefaultVarve;

/**
 * The write side of a replica: a store opened with {@link VarveBuilder#replica()} takes
 * its events through this, in the source's order, with the source's positions, versions
 * and ids, so that it becomes an exact copy of its source's log. A replica feed (such as
 * varve-kafka's {@code KafkaReplica}) calls it; applications only read the replica.
 */
public interface Replication {

	/**
	 * The replication handle of a store opened as a replica.
	 * @param varve the store
	 * @return its handle
	 * @throws InvalidArgumentException if the store was not opened with
	 * {@link VarveBuilder#replica()}
	 */
	static Replication of(Varve varve) {
		if (varve instanceof DefaultVarve store) {
			return store.replication();
		}
		throw new InvalidArgumentException("Only a store opened by Varve can be a replica, not " + varve);
	}

	/**
	 * The position of the last event the replica holds: the next one to apply is this
	 * plus one.
	 * @return the head position, 0 when empty
	 */
	long headPosition();

	/**
	 * Stores events in one transaction: the first must be at {@link #headPosition()} + 1,
	 * each next one at the position after, and each at the next version of its stream.
	 * Events at or below the head are skipped when they match what the replica holds (a
	 * feed delivers at least once), so applying the same events twice changes nothing.
	 * @param events the events, in position order
	 * @return the head position after them
	 * @throws ReplicationException when an event does not fit (a gap in positions, a
	 * version out of line, an id already used, or a duplicate that differs from what is
	 * stored); nothing of the call is stored then
	 */
	long apply(List<ReplicatedEvent> events);

	/**
	 * Stores events like {@link #apply(List)} without waiting: calls are applied in the
	 * order they are made, so a feed reads and decodes the next events while these
	 * commit. A call that fails makes every later one fail too (their first event no
	 * longer follows the head).
	 * @param events the events, in position order
	 * @return the head position after them, once they are stored (failed with a
	 * {@link ReplicationException} when they do not fit)
	 */
	java.util.concurrent.CompletableFuture<Long> applyAsync(List<ReplicatedEvent> events);

	/**
	 * Stores events like {@link #apply(List)}, for a copy of a store whose events may
	 * have been deleted (such as {@code varve import} of an export): a gap in positions
	 * is taken as positions of deleted events, and a stream whose first event here has a
	 * version above 1 as one whose earlier events were deleted. A feed that should have
	 * no gaps (a replica's) uses {@link #apply(List)}, which refuses them.
	 * @param events the events, in position order
	 * @return the head position after them
	 * @throws ReplicationException when an event does not fit otherwise
	 */
	long applyCopy(List<ReplicatedEvent> events);

}

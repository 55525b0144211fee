package io.varve.boot.aggregate;

import java.util.function.BiFunction;

import io.varve.AggregateRepository;
import io.varve.InvalidArgumentException;
import io.varve.SnapshotPolicy;
import io.varve.Varve;

/**
 * Makes {@link AggregateRepository}s on the application's store with the snapshot policy
 * of the {@code varve.snapshots.*} properties (a snapshot every 100 events, the newest 2
 * kept, unless configured otherwise). Declare each repository as a bean:
 *
 * <pre class="code">
 * &#64;Bean
 * AggregateRepository&lt;Account&gt; accounts(VarveAggregates aggregates) {
 *     return aggregates.repository(Account.class, Account.EMPTY, Account::apply);
 * }
 * </pre>
 */
public class VarveAggregates {

	private final Varve varve;

	private final SnapshotPolicy policy;

	/**
	 * @param varve the store
	 * @param policy the snapshot policy of the repositories it makes
	 */
	public VarveAggregates(Varve varve, SnapshotPolicy policy) {
		if (varve == null || policy == null) {
			throw new InvalidArgumentException("The store and the snapshot policy must not be null");
		}
		this.varve = varve;
		this.policy = policy;
	}

	/**
	 * A repository whose snapshots follow the configured policy.
	 * @param <S> the state
	 * @param stateType the state class, which snapshots are encoded from and decoded into
	 * @param initialState the state of a stream with no events
	 * @param apply applies one event to a state
	 * @return the repository
	 */
	public <S> AggregateRepository<S> repository(Class<S> stateType, S initialState, BiFunction<S, Object, S> apply) {
		return builder(stateType, initialState, apply).build();
	}

	/**
	 * A builder preset with the configured snapshot policy, to change more settings
	 * (snapshot schema version, retries) before building.
	 * @param <S> the state
	 * @param stateType the state class
	 * @param initialState the state of a stream with no events
	 * @param apply applies one event to a state
	 * @return the builder
	 */
	public <S> AggregateRepository.Builder<S> builder(Class<S> stateType, S initialState,
			BiFunction<S, Object, S> apply) {
		AggregateRepository.Builder<S> builder = AggregateRepository.builder(this.varve, initialState, apply);
		if (this.policy.isEnabled()) {
			builder.snapshots(stateType, this.policy);
		}
		return builder;
	}

	/** The snapshot policy of the repositories this makes. */
	public SnapshotPolicy policy() {
		return this.policy;
	}

}

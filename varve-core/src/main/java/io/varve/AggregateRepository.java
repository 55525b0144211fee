package io.varve;

import java.lang.System.Logger.Level;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

/**
 * Event-sourced aggregates with no base class or annotation: an initial state and a
 * function that applies one event to a state ({@code (state, event) -> state}, which
 * suits records). {@link #load} folds a stream's events into its state as it reads them
 * (it never holds the stream), starting from the newest snapshot when snapshots are on;
 * {@link #update} loads, decides, appends with the loaded version and retries when
 * another writer got there first.
 *
 * <pre class="code">
 * record Account(long balance) {
 *     static Account apply(Account account, Object event) {
 *         return switch (event) {
 *             case Deposited d -&gt; new Account(account.balance() + d.amount());
 *             case Withdrawn w -&gt; new Account(account.balance() - w.amount());
 *             default -&gt; account;
 *         };
 *     }
 * }
 *
 * AggregateRepository&lt;Account&gt; accounts = AggregateRepository.builder(varve, new Account(0), Account::apply)
 *     .snapshots(Account.class, SnapshotPolicy.every(100))
 *     .build();
 * accounts.update("account-42", (account) -&gt; List.of(new Deposited(100)));
 * long balance = accounts.load("account-42").state().balance();
 * </pre>
 *
 * <p>
 * Events are decoded with {@link RecordedEvent#data()}, so their classes must be known to
 * the store (registered on the builder, appended in this process, or scanned by the
 * Spring Boot starter). Snapshots ({@link SnapshotPolicy}) are written asynchronously on
 * the store's writer and are only a cache: a snapshot of another schema version than the
 * repository's, or one that no longer decodes into the state class, is ignored (and
 * counted), so changing the state class never breaks a load.
 *
 * @param <S> the state
 */
public final class AggregateRepository<S> {

	private static final System.Logger LOG = System.getLogger(AggregateRepository.class.getName());

	private final Varve varve;

	private final S initialState;

	private final BiFunction<S, Object, S> apply;

	private final @Nullable Class<S> stateType;

	private final SnapshotPolicy policy;

	private final int snapshotSchemaVersion;

	private final int maxRetries;

	private final AtomicLong snapshotsWritten = new AtomicLong();

	private final AtomicLong snapshotsIgnored = new AtomicLong();

	/** Streams with a snapshot on its way to the store: no second one until it lands. */
	private final Set<String> savingSnapshots = ConcurrentHashMap.newKeySet();

	private AggregateRepository(Builder<S> builder) {
		this.varve = builder.varve;
		this.initialState = builder.initialState;
		this.apply = builder.apply;
		this.stateType = builder.stateType;
		this.policy = builder.policy;
		this.snapshotSchemaVersion = builder.snapshotSchemaVersion;
		this.maxRetries = builder.maxRetries;
	}

	/**
	 * A builder for a repository.
	 * @param <S> the state
	 * @param varve the store
	 * @param initialState the state of a stream with no events
	 * @param apply applies one event to a state and returns the new state (it may return
	 * the same object, or ignore events it does not know)
	 * @return the builder
	 */
	public static <S> Builder<S> builder(Varve varve, S initialState, BiFunction<S, Object, S> apply) {
		return new Builder<>(varve, initialState, apply);
	}

	/**
	 * A repository without snapshots.
	 * @param <S> the state
	 * @param varve the store
	 * @param initialState the state of a stream with no events
	 * @param apply applies one event to a state
	 * @return the repository
	 */
	public static <S> AggregateRepository<S> of(Varve varve, S initialState, BiFunction<S, Object, S> apply) {
		return builder(varve, initialState, apply).build();
	}

	/**
	 * Loads a stream's state: from its newest usable snapshot, if any, then each later
	 * event, read in chunks and folded as it is read. May write a snapshot afterwards
	 * (without waiting for it), as the policy says.
	 * @param stream the stream
	 * @return the state and the stream version it includes (0 for a stream with no
	 * events)
	 */
	public Loaded<S> load(String stream) {
		Folded<S> folded = fold(stream);
		return new Loaded<>(folded.state(), folded.version());
	}

	/**
	 * Loads a stream as {@link #load} does, keeping the version of the snapshot it
	 * started from for the snapshot policy.
	 */
	private Folded<S> fold(String stream) {
		S state = this.initialState;
		long version = 0;
		long snapshotVersion = 0;
		Optional<Snapshot> snapshot = snapshotOf(stream);
		if (snapshot.isPresent()) {
			try {
				state = this.varve.snapshots().decode(snapshot.get(), this.stateType);
				version = snapshot.get().version();
				snapshotVersion = version;
			}
			catch (EventDecodingException ex) {
				this.snapshotsIgnored.incrementAndGet();
				LOG.log(Level.DEBUG, () -> "Ignoring the snapshot of " + stream + " at version "
						+ snapshot.get().version() + ": it no longer decodes (" + ex.getMessage() + ")");
			}
		}
		long replayed = 0;
		try (Stream<RecordedEvent> events = this.varve.scanStream(stream, version + 1)) {
			Iterator<RecordedEvent> iterator = events.iterator();
			boolean first = true;
			while (iterator.hasNext()) {
				RecordedEvent event = iterator.next();
				if (first && event.version() > version + 1) {
					throw new StreamTruncatedException(stream, version + 1, event.version());
				}
				first = false;
				state = applied(state, event.data(), stream);
				if (event.version() != version) {
					replayed++;
				}
				version = event.version();
			}
		}
		snapshotIfDue(stream, state, version, snapshotVersion, replayed);
		return new Folded<>(state, version, snapshotVersion);
	}

	/**
	 * Appends events to a stream that must be at a version.
	 * @param stream the stream
	 * @param expectedVersion the version it must be at (0: it must not exist yet)
	 * @param events the events
	 * @return where they went
	 * @throws WrongExpectedVersionException if the stream is at another version
	 */
	public AppendResult append(String stream, long expectedVersion, Object... events) {
		return this.varve.append(stream, ExpectedVersion.exact(expectedVersion), events);
	}

	/**
	 * Loads a stream, asks a decision for the events to append, and appends them at the
	 * loaded version; if another writer appended first, loads and decides again, up to
	 * the repository's retry limit. The decision may throw to refuse the command; nothing
	 * is appended then.
	 * @param stream the stream
	 * @param decide the decision: the events to append for the current state (none to
	 * append nothing)
	 * @return the state and version after the appended events, and where they went
	 * @throws WrongExpectedVersionException if other writers kept getting there first
	 */
	public Updated<S> update(String stream, Function<? super S, ? extends List<?>> decide) {
		Objects.requireNonNull(decide, "decide");
		for (int attempt = 0;; attempt++) {
			Folded<S> loaded = fold(stream);
			List<?> events = decide.apply(loaded.state());
			if (events == null || events.isEmpty()) {
				return new Updated<>(loaded.state(), loaded.version(), null);
			}
			AppendResult result;
			try {
				result = append(stream, loaded.version(), events.toArray());
			}
			catch (WrongExpectedVersionException ex) {
				if (attempt >= this.maxRetries) {
					throw ex;
				}
				continue;
			}
			S state = loaded.state();
			for (Object event : events) {
				state = applied(state, event, stream);
			}
			snapshotIfDue(stream, state, result.version(), loaded.snapshotVersion(), 0);
			return new Updated<>(state, result.version(), result);
		}
	}

	/**
	 * Removes every snapshot of a stream (its next load replays it whole).
	 * @param stream the stream
	 * @return how many were removed
	 */
	public long deleteSnapshots(String stream) {
		return this.varve.snapshots().delete(stream);
	}

	/** Snapshots this repository has had stored. */
	public long snapshotsWritten() {
		return this.snapshotsWritten.get();
	}

	/**
	 * Snapshots this repository ignored: of another schema version, or no longer decoding
	 * into the state class.
	 */
	public long snapshotsIgnored() {
		return this.snapshotsIgnored.get();
	}

	private Optional<Snapshot> snapshotOf(String stream) {
		if (this.stateType == null) {
			return Optional.empty();
		}
		Optional<Snapshot> snapshot = this.varve.snapshots().latest(stream);
		if (snapshot.isPresent() && snapshot.get().schemaVersion() != this.snapshotSchemaVersion) {
			this.snapshotsIgnored.incrementAndGet();
			return Optional.empty();
		}
		return snapshot;
	}

	private S applied(S state, Object event, String stream) {
		S next = this.apply.apply(state, event);
		if (next == null) {
			throw new InvalidArgumentException("The apply function returned null for " + event.getClass().getName()
					+ " of stream '" + stream + "'; return the state unchanged for events it does not change");
		}
		return next;
	}

	private void snapshotIfDue(String stream, S state, long version, long snapshotVersion, long replayed) {
		if (this.stateType == null || !this.policy.isDue(version, snapshotVersion, replayed)
				|| !this.savingSnapshots.add(stream)) {
			return;
		}
		// A snapshot saved since this load read the store (its save was done before the
		// add above succeeded, so it is visible now) may make this one unnecessary. (Read
		// again without counting an ignored one twice.)
		long newest = this.varve.snapshots()
			.latest(stream)
			.filter((snapshot) -> snapshot.schemaVersion() == this.snapshotSchemaVersion)
			.map(Snapshot::version)
			.orElse(0L);
		if (newest > snapshotVersion && !this.policy.isDue(version, newest, (newest >= version) ? 0 : replayed)) {
			this.savingSnapshots.remove(stream);
			return;
		}
		try {
			this.varve.snapshots()
				.save(stream, version, this.snapshotSchemaVersion, state, this.policy.keepLast())
				.whenComplete((ignored, failure) -> {
					this.savingSnapshots.remove(stream);
					if (failure == null) {
						this.snapshotsWritten.incrementAndGet();
					}
					else {
						LOG.log(Level.WARNING, "Could not store the snapshot of " + stream + " at version " + version,
								failure);
					}
				});
		}
		catch (ReadOnlyStoreException ex) {
			// A read-only store loads from snapshots but writes none.
			this.savingSnapshots.remove(stream);
		}
		catch (RuntimeException ex) {
			this.savingSnapshots.remove(stream);
			throw ex;
		}
	}

	/**
	 * A stream's state and the stream version it includes.
	 *
	 * @param <S> the state
	 * @param state the state
	 * @param version the stream version (0 for a stream with no events)
	 */
	public record Loaded<S>(S state, long version) {

	}

	/** A load's result and the version of the snapshot it started from (0 for none). */
	private record Folded<S>(S state, long version, long snapshotVersion) {

	}

	/**
	 * A stream's state after an update, the stream version it includes, and where the
	 * update's events went.
	 *
	 * @param <S> the state
	 * @param state the state after the appended events
	 * @param version the stream version after them
	 * @param appended where they went, or null when the decision appended nothing
	 */
	public record Updated<S>(S state, long version, @Nullable AppendResult appended) {

	}

	/**
	 * Settings of a repository.
	 *
	 * @param <S> the state
	 */
	public static final class Builder<S> {

		private final Varve varve;

		private final S initialState;

		private final BiFunction<S, Object, S> apply;

		private @Nullable Class<S> stateType;

		private SnapshotPolicy policy = SnapshotPolicy.none();

		private int snapshotSchemaVersion = 1;

		private int maxRetries = 3;

		private Builder(Varve varve, S initialState, BiFunction<S, Object, S> apply) {
			if (varve == null || initialState == null || apply == null) {
				throw new InvalidArgumentException("The store, initial state and apply function must not be null");
			}
			this.varve = varve;
			this.initialState = initialState;
			this.apply = apply;
		}

		/**
		 * Turns snapshots on.
		 * @param type the state class (snapshots are encoded from and decoded into it)
		 * @param snapshotPolicy when to write them and how many to keep
		 * @return this builder
		 */
		public Builder<S> snapshots(Class<S> type, SnapshotPolicy snapshotPolicy) {
			if (type == null || snapshotPolicy == null) {
				throw new InvalidArgumentException("State class and snapshot policy must not be null");
			}
			this.stateType = type;
			this.policy = snapshotPolicy;
			return this;
		}

		/**
		 * The schema version of the state class (1 by default): raise it when the state
		 * class changes, so that older snapshots are ignored instead of misread.
		 * @param version the version, at least 1
		 * @return this builder
		 */
		public Builder<S> snapshotSchemaVersion(int version) {
			if (version < 1) {
				throw new InvalidArgumentException("The snapshot schema version must be at least 1, got " + version);
			}
			this.snapshotSchemaVersion = version;
			return this;
		}

		/**
		 * How many times {@link AggregateRepository#update} loads and decides again after
		 * another writer appended first (3 by default).
		 * @param retries the number of retries, 0 or more
		 * @return this builder
		 */
		public Builder<S> maxRetries(int retries) {
			if (retries < 0) {
				throw new InvalidArgumentException("maxRetries must be 0 or more, got " + retries);
			}
			this.maxRetries = retries;
			return this;
		}

		/** Builds the repository. */
		public AggregateRepository<S> build() {
			return new AggregateRepository<>(this);
		}

	}

}

package io.varve.test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;

import org.assertj.core.api.AbstractThrowableAssert;
import org.assertj.core.api.Assertions;
import org.assertj.core.api.ObjectAssert;

/**
 * Given-when-then for decisions on aggregates built as
 * {@link io.varve.AggregateRepository} builds them: an initial state and a
 * {@code (state, event) -> state} function. Given past events, when a decision runs on
 * the state they fold into, then these new events (or this exception). No store is
 * needed: the fixture folds the events as a load does.
 *
 * <pre class="code">
 * AggregateFixture.of(new Account(0), Account::apply)
 *     .given(new Deposited(100))
 *     .when((account) -&gt; account.withdraw(30))
 *     .then(new Withdrawn(30));
 * </pre>
 *
 * @param <S> the state
 */
public final class AggregateFixture<S> {

	private final S initialState;

	private final BiFunction<S, Object, S> apply;

	private final List<Object> given = new ArrayList<>();

	private AggregateFixture(S initialState, BiFunction<S, Object, S> apply) {
		this.initialState = initialState;
		this.apply = apply;
	}

	/**
	 * A fixture for an aggregate.
	 * @param <S> the state
	 * @param initialState the state of a stream with no events
	 * @param apply applies one event to a state
	 * @return the fixture
	 */
	public static <S> AggregateFixture<S> of(S initialState, BiFunction<S, Object, S> apply) {
		return new AggregateFixture<>(initialState, apply);
	}

	/**
	 * Past events of the aggregate's stream.
	 * @param events the events, in order
	 * @return this fixture
	 */
	public AggregateFixture<S> given(Object... events) {
		this.given.addAll(Arrays.asList(events));
		return this;
	}

	/**
	 * Runs a decision on the state the given events fold into.
	 * @param decide the decision: the events to append
	 * @return the outcome to check
	 */
	public Outcome<S> when(Function<? super S, ? extends List<?>> decide) {
		S state = state();
		try {
			List<?> events = decide.apply(state);
			return new Outcome<>(this, state, (events != null) ? List.copyOf(events) : List.of(), null);
		}
		catch (RuntimeException ex) {
			return new Outcome<>(this, state, List.of(), ex);
		}
	}

	/**
	 * The state the given events fold into.
	 * @return the state
	 */
	public S state() {
		S state = this.initialState;
		for (Object event : this.given) {
			state = this.apply.apply(state, event);
		}
		return state;
	}

	private S fold(S state, List<?> events) {
		S result = state;
		for (Object event : events) {
			result = this.apply.apply(result, event);
		}
		return result;
	}

	/**
	 * What a decision did.
	 *
	 * @param <S> the state
	 */
	public static final class Outcome<S> {

		private final AggregateFixture<S> fixture;

		private final S before;

		private final List<?> events;

		private final RuntimeException failure;

		private Outcome(AggregateFixture<S> fixture, S before, List<?> events, RuntimeException failure) {
			this.fixture = fixture;
			this.before = before;
			this.events = events;
			this.failure = failure;
		}

		/**
		 * The decision appended exactly these events.
		 * @param expected the events, in order
		 * @return this outcome
		 */
		public Outcome<S> then(Object... expected) {
			if (this.failure != null) {
				throw new AssertionError("Expected the decision to append " + StreamAssert.values(List.of(expected))
						+ "\nbut it threw " + this.failure, this.failure);
			}
			List<Object> appended = new ArrayList<>(this.events);
			Assertions.assertThat(appended)
				.as("events the decision appended on state %s", EventsText.value(this.before))
				.containsExactly(expected);
			return this;
		}

		/**
		 * The decision appended nothing and threw nothing.
		 * @return this outcome
		 */
		public Outcome<S> thenNothing() {
			return then();
		}

		/**
		 * The decision threw.
		 * @param type the exception's class
		 * @return assertions on the exception
		 */
		public AbstractThrowableAssert<?, ? extends Throwable> thenThrows(Class<? extends Throwable> type) {
			if (this.failure == null) {
				throw new AssertionError("Expected the decision to throw " + type.getName() + " but it appended\n"
						+ StreamAssert.values(this.events));
			}
			return Assertions.assertThat((Throwable) this.failure).isInstanceOf(type);
		}

		/**
		 * Assertions on the state after the appended events.
		 * @return the assertions
		 */
		public ObjectAssert<S> thenState() {
			return Assertions.assertThat(this.fixture.fold(this.before, this.events));
		}

	}

}

package io.varve.sample.account;

import io.varve.sample.account.AccountEvents.AccountOpened;
import io.varve.sample.account.AccountEvents.MoneyDeposited;
import io.varve.sample.account.AccountEvents.MoneyWithdrawn;
import io.varve.sample.account.AccountEvents.TransferReceived;
import io.varve.sample.account.AccountEvents.TransferSent;

/**
 * An account as the API shows it. The version is the stream's version, used as the
 * expected version of the next append.
 *
 * @param id the account id
 * @param owner the owner
 * @param balance the balance in cents
 * @param version the stream version this state was built from
 */
public record Account(String id, String owner, long balance, long version) {

	/** The stream of an account. */
	public static String stream(String id) {
		return "account-" + id;
	}

	/**
	 * An account's state as its events fold it ({@link #apply}): what the
	 * {@code AggregateRepository} loads and snapshots.
	 *
	 * @param owner the owner, or null before the account is opened
	 * @param balance the balance in cents
	 */
	record State(String owner, long balance) {

		/** A stream with no events: no account. */
		static final State NONE = new State(null, 0);

		boolean exists() {
			return this.owner != null;
		}

		static State apply(State state, Object event) {
			if (event instanceof AccountOpened opened) {
				return new State(opened.owner(), 0);
			}
			if (event instanceof MoneyDeposited deposited) {
				return new State(state.owner(), state.balance() + deposited.amount());
			}
			if (event instanceof MoneyWithdrawn withdrawn) {
				return new State(state.owner(), state.balance() - withdrawn.amount());
			}
			if (event instanceof TransferSent sent) {
				return new State(state.owner(), state.balance() - sent.amount());
			}
			if (event instanceof TransferReceived received) {
				return new State(state.owner(), state.balance() + received.amount());
			}
			return state;
		}

	}

}

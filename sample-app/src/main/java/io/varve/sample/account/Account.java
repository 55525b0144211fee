package io.varve.sample.account;

import java.util.List;

import io.varve.RecordedEvent;
import io.varve.sample.account.AccountEvents.AccountOpened;
import io.varve.sample.account.AccountEvents.MoneyDeposited;
import io.varve.sample.account.AccountEvents.MoneyWithdrawn;
import io.varve.sample.account.AccountEvents.TransferReceived;
import io.varve.sample.account.AccountEvents.TransferSent;

/**
 * An account's state, folded from its stream. The version is the stream's version, used
 * as the expected version of the next append.
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

	static Account replay(String id, List<RecordedEvent> history) {
		Account account = null;
		for (RecordedEvent event : history) {
			account = apply(account, id, event.data(), event.version());
		}
		return account;
	}

	static Account apply(Account account, String id, Object event, long version) {
		if (event instanceof AccountOpened opened) {
			return new Account(id, opened.owner(), 0, version);
		}
		long delta = 0;
		if (event instanceof MoneyDeposited deposited) {
			delta = deposited.amount();
		}
		else if (event instanceof MoneyWithdrawn withdrawn) {
			delta = -withdrawn.amount();
		}
		else if (event instanceof TransferSent sent) {
			delta = -sent.amount();
		}
		else if (event instanceof TransferReceived received) {
			delta = received.amount();
		}
		return new Account(id, account.owner(), account.balance() + delta, version);
	}

}

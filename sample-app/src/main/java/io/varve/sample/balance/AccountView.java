package io.varve.sample.balance;

/**
 * An account as the {@code balances} projection keeps it.
 *
 * @param id the account id
 * @param owner the owner
 * @param balance the balance in cents
 * @param version the account stream's version this view reflects
 * @param position the global position of the last event applied
 */
public record AccountView(String id, String owner, long balance, long version, long position) {

	AccountView apply(long delta, long version, long position) {
		return new AccountView(this.id, this.owner, this.balance + delta, version, position);
	}

}

package io.varve.sample.balance;

import io.varve.RecordedEvent;
import io.varve.boot.VarveHandler;
import io.varve.boot.VarveProcessor;
import io.varve.boot.VarveReset;
import io.varve.processor.ProjectionStore;
import io.varve.sample.account.AccountEvents.AccountOpened;
import io.varve.sample.account.AccountEvents.MoneyDeposited;
import io.varve.sample.account.AccountEvents.MoneyWithdrawn;
import io.varve.sample.account.AccountEvents.TransferReceived;
import io.varve.sample.account.AccountEvents.TransferSent;

/**
 * The {@code balances} read model: one {@link AccountView} per account in the projection
 * table {@code accounts}. Its writes go through the {@link ProjectionStore}, so they
 * commit in the same transaction as the processor's checkpoint: each event changes a
 * balance exactly once, even if the application is killed mid-batch.
 */
@VarveProcessor(name = BalancesProjection.NAME, categories = "account")
public class BalancesProjection {

	/** The processor's name. */
	public static final String NAME = "balances";

	/** The projection table. */
	public static final String TABLE = "accounts";

	@VarveHandler
	void on(AccountOpened opened, RecordedEvent event, ProjectionStore store) {
		store.put(TABLE, opened.accountId(),
				new AccountView(opened.accountId(), opened.owner(), 0, event.version(), event.position()));
	}

	@VarveHandler
	void on(MoneyDeposited deposited, RecordedEvent event, ProjectionStore store) {
		change(store, deposited.accountId(), deposited.amount(), event);
	}

	@VarveHandler
	void on(MoneyWithdrawn withdrawn, RecordedEvent event, ProjectionStore store) {
		change(store, withdrawn.accountId(), -withdrawn.amount(), event);
	}

	@VarveHandler
	void on(TransferSent sent, RecordedEvent event, ProjectionStore store) {
		change(store, sent.accountId(), -sent.amount(), event);
	}

	@VarveHandler
	void on(TransferReceived received, RecordedEvent event, ProjectionStore store) {
		change(store, received.accountId(), received.amount(), event);
	}

	@VarveReset
	void reset(ProjectionStore store) {
		store.clear(TABLE);
	}

	private static void change(ProjectionStore store, String accountId, long delta, RecordedEvent event) {
		AccountView view = store.get(TABLE, accountId, AccountView.class)
			.orElseThrow(() -> new IllegalStateException("No account view for " + accountId + " at " + event));
		store.put(TABLE, accountId, view.apply(delta, event.version(), event.position()));
	}

}

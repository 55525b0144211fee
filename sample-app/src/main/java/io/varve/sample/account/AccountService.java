package io.varve.sample.account;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.springframework.stereotype.Service;

import io.varve.AggregateRepository;
import io.varve.AppendResult;
import io.varve.ExpectedVersion;
import io.varve.StreamAppend;
import io.varve.TransactionResult;
import io.varve.Varve;
import io.varve.WrongExpectedVersionException;
import io.varve.boot.aggregate.VarveAggregates;
import io.varve.sample.account.AccountEvents.AccountOpened;
import io.varve.sample.account.AccountEvents.MoneyDeposited;
import io.varve.sample.account.AccountEvents.MoneyWithdrawn;
import io.varve.sample.account.AccountEvents.TransferReceived;
import io.varve.sample.account.AccountEvents.TransferSent;

/**
 * The account commands, on Varve's {@link AggregateRepository}: each loads the account
 * from its stream (from its newest snapshot, see {@code varve.snapshots.*}), decides, and
 * appends with the loaded version as the expected version: if someone else appended in
 * between, the append fails with {@link WrongExpectedVersionException} and nothing is
 * written. When the caller gives no expected version, the repository reloads and decides
 * again a few times before giving up; when the caller gives one, a mismatch is the
 * caller's conflict (409).
 */
@Service
public class AccountService {

	private static final int ATTEMPTS = 5;

	private final Varve varve;

	private final AggregateRepository<Account.State> accounts;

	public AccountService(Varve varve, VarveAggregates aggregates) {
		this.varve = varve;
		// Snapshots as varve.snapshots.* configures them (every 100 events by default).
		this.accounts = aggregates.builder(Account.State.class, Account.State.NONE, Account.State::apply)
			.maxRetries(ATTEMPTS - 1)
			.build();
	}

	/**
	 * Opens an account.
	 * @param owner the owner's name
	 * @return where the opening was written, and the new id
	 */
	public Opened open(String owner) {
		String id = UUID.randomUUID().toString().substring(0, 8);
		AppendResult result = this.varve.append(Account.stream(id), ExpectedVersion.noStream(),
				new AccountOpened(id, owner));
		return new Opened(id, result);
	}

	/**
	 * Loads an account from its stream.
	 * @param id the account id
	 * @return the account
	 * @throws AccountNotFoundException if it does not exist
	 */
	public Account load(String id) {
		AggregateRepository.Loaded<Account.State> loaded = this.accounts.load(Account.stream(id));
		if (!loaded.state().exists()) {
			throw new AccountNotFoundException(id);
		}
		return new Account(id, loaded.state().owner(), loaded.state().balance(), loaded.version());
	}

	public AppendResult deposit(String id, long amount, Long expectedVersion) {
		return decideAndAppend(id, expectedVersion, (account) -> new MoneyDeposited(id, amount));
	}

	public AppendResult withdraw(String id, long amount, Long expectedVersion) {
		return decideAndAppend(id, expectedVersion, (account) -> {
			if (account.balance() < amount) {
				throw new InsufficientFundsException(id, account.balance(), amount);
			}
			return new MoneyWithdrawn(id, amount);
		});
	}

	/**
	 * Moves money between two accounts in one atomic multi-stream transaction.
	 * @param from the paying account
	 * @param to the receiving account
	 * @param amount the amount in cents
	 * @return both appends
	 */
	public TransactionResult transfer(String from, String to, long amount) {
		if (from.equals(to)) {
			throw new IllegalArgumentException("A transfer needs two different accounts");
		}
		String transferId = UUID.randomUUID().toString();
		for (int attempt = 1;; attempt++) {
			Account payer = load(from);
			Account payee = load(to);
			if (payer.balance() < amount) {
				throw new InsufficientFundsException(from, payer.balance(), amount);
			}
			try {
				return this.varve.transaction(
						StreamAppend.of(Account.stream(from), ExpectedVersion.exact(payer.version()),
								new TransferSent(transferId, from, to, amount)),
						StreamAppend.of(Account.stream(to), ExpectedVersion.exact(payee.version()),
								new TransferReceived(transferId, to, from, amount)));
			}
			catch (WrongExpectedVersionException ex) {
				if (attempt == ATTEMPTS) {
					throw ex;
				}
			}
		}
	}

	private AppendResult decideAndAppend(String id, Long expectedVersion, Decision decision) {
		if (expectedVersion != null) {
			// The caller's version: a mismatch is its conflict, not retried.
			return this.accounts.append(Account.stream(id), expectedVersion, decision.decide(load(id)));
		}
		AggregateRepository.Updated<Account.State> updated = this.accounts.update(Account.stream(id), (state) -> {
			if (!state.exists()) {
				throw new AccountNotFoundException(id);
			}
			return List.of(decision.decide(new Account(id, state.owner(), state.balance(), 0)));
		});
		return updated.appended();
	}

	/**
	 * Appends deposits quickly, to watch processors fall behind and catch up.
	 * @param events how many deposits to append
	 * @param accounts over how many new accounts
	 * @return the last position written
	 */
	public long generateLoad(int events, int accounts) {
		List<String> ids = new ArrayList<>();
		long last = 0;
		for (int i = 0; i < accounts; i++) {
			Opened opened = open("load-" + i);
			ids.add(opened.id());
			last = opened.result().lastPosition();
		}
		int chunk = 500;
		for (int done = 0, turn = 0; done < events; turn++) {
			String id = ids.get(turn % ids.size());
			int size = Math.min(chunk, events - done);
			List<Object> deposits = new ArrayList<>(size);
			for (int i = 0; i < size; i++) {
				deposits.add(new MoneyDeposited(id, 1 + ((done + i) % 100)));
			}
			last = this.varve.append(Account.stream(id), ExpectedVersion.any(), deposits.toArray()).lastPosition();
			done += size;
		}
		return last;
	}

	@FunctionalInterface
	private interface Decision {

		Object decide(Account account);

	}

	/**
	 * A newly opened account.
	 *
	 * @param id its id
	 * @param result where its first event was written
	 */
	public record Opened(String id, AppendResult result) {
	}

}

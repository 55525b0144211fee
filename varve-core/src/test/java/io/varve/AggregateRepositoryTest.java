package io.varve;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The aggregate helper: loads fold a stream into a record, updates decide and append at
 * the loaded version and retry when another writer came first, and snapshots (written
 * asynchronously, pruned, ignored when their schema changed) shorten loads without ever
 * changing what they return.
 */
class AggregateRepositoryTest {

	@TempDir
	Path dir;

	record Deposited(long amount) {
	}

	record Withdrawn(long amount) {
	}

	record Account(long balance, int events) {

		static final Account EMPTY = new Account(0, 0);

		static Account apply(Account account, Object event) {
			if (event instanceof Deposited deposited) {
				return new Account(account.balance() + deposited.amount(), account.events() + 1);
			}
			if (event instanceof Withdrawn withdrawn) {
				return new Account(account.balance() - withdrawn.amount(), account.events() + 1);
			}
			return account;
		}

	}

	record Money(BigDecimal amount, String currency) {
	}

	/** The state class after a change that old snapshots do not fit. */
	record AccountV2(Money balance) {
	}

	static final class EvolvingAccounts {

		static AccountV2 apply(AccountV2 account, Object event) {
			if (event instanceof Deposited deposited) {
				BigDecimal amount = account.balance().amount().add(BigDecimal.valueOf(deposited.amount()));
				return new AccountV2(new Money(amount, account.balance().currency()));
			}
			return account;
		}

	}

	private Varve open() {
		return Varve.builder().path(this.dir).eventTypes(Deposited.class, Withdrawn.class).open();
	}

	@Test
	void loadsFoldTheStreamAndUpdatesAppendAtTheLoadedVersion() {
		try (Varve varve = open()) {
			AggregateRepository<Account> accounts = AggregateRepository.of(varve, Account.EMPTY, Account::apply);
			assertThat(accounts.load("account-1")).isEqualTo(new AggregateRepository.Loaded<>(Account.EMPTY, 0));
			AggregateRepository.Updated<Account> updated = accounts.update("account-1",
					(account) -> List.of(new Deposited(100), new Withdrawn(30)));
			assertThat(updated.state()).isEqualTo(new Account(70, 2));
			assertThat(updated.version()).isEqualTo(2);
			assertThat(updated.appended().lastPosition()).isEqualTo(2);
			AggregateRepository.Loaded<Account> after = accounts.load("account-1");
			assertThat(after).isEqualTo(new AggregateRepository.Loaded<>(new Account(70, 2), 2));
			// A decision that refuses appends nothing.
			assertThatThrownBy(() -> accounts.update("account-1", (account) -> {
				throw new IllegalStateException("insufficient funds");
			})).hasMessage("insufficient funds");
			assertThat(accounts.update("account-1", (account) -> List.of()))
				.isEqualTo(new AggregateRepository.Updated<>(after.state(), 2, null));
			assertThat(varve.readStream("account-1", 1, 10)).hasSize(2);
			accounts.append("account-1", 2, new Deposited(5));
			assertThatThrownBy(() -> accounts.append("account-1", 2, new Deposited(5)))
				.isInstanceOf(WrongExpectedVersionException.class);
		}
	}

	@Test
	void aTruncatedStreamLoadsFromASnapshotAfterTheCutAndRefusesToLoadFromPartOfItsHistory() {
		try (Varve varve = open()) {
			AggregateRepository<Account> plain = AggregateRepository.builder(varve, Account.EMPTY, Account::apply)
				.snapshots(Account.class, SnapshotPolicy.every(1000))
				.build();
			for (int i = 0; i < 10; i++) {
				plain.update("account-1", (account) -> List.of(new Deposited(10)));
			}
			varve.truncateBefore("account-1", 5);
			assertThatExceptionOfType(StreamTruncatedException.class).isThrownBy(() -> plain.load("account-1"))
				.withMessageContaining("before version 5 were deleted")
				.satisfies((ex) -> assertThat(ex.firstVersion()).isEqualTo(5));
			// With a snapshot at or after the cut, the history it needs is there.
			varve.snapshots().save("account-1", 10, 1, new Account(100, 10), 2).join();
			varve.truncateBefore("account-1", 11);
			assertThat(plain.load("account-1").state()).isEqualTo(new Account(100, 10));
		}
	}

	@Test
	void anUpdateRacedByAnotherWriterDecidesAgainOnTheNewStateUpToItsLimit() {
		try (Varve varve = open()) {
			AggregateRepository<Account> accounts = AggregateRepository.of(varve, Account.EMPTY, Account::apply);
			accounts.update("account-1", (account) -> List.of(new Deposited(10)));
			AtomicInteger decisions = new AtomicInteger();
			AggregateRepository.Updated<Account> result = accounts.update("account-1", (account) -> {
				if (decisions.getAndIncrement() == 0) {
					// Another writer appends between this load and its append.
					varve.append("account-1", ExpectedVersion.exact(1), new Deposited(1));
				}
				return List.of(new Withdrawn(account.balance()));
			});
			assertThat(decisions).hasValue(2);
			assertThat(result.state()).isEqualTo(new Account(0, 3));
			assertThat(result.version()).isEqualTo(3);

			AggregateRepository<Account> impatient = AggregateRepository.builder(varve, Account.EMPTY, Account::apply)
				.maxRetries(0)
				.build();
			assertThatThrownBy(() -> impatient.update("account-1", (account) -> {
				varve.append("account-1", ExpectedVersion.any(), new Deposited(1));
				return List.of(new Deposited(2));
			})).isInstanceOf(WrongExpectedVersionException.class);
		}
	}

	@Test
	void snapshotsShortenLoadsWithoutChangingWhatTheyReturn() {
		AggregateRepository<Account> accounts;
		try (Varve varve = open()) {
			AtomicInteger applied = new AtomicInteger();
			accounts = AggregateRepository.builder(varve, Account.EMPTY, (Account account, Object event) -> {
				applied.incrementAndGet();
				return Account.apply(account, event);
			}).snapshots(Account.class, SnapshotPolicy.every(10).keepLast(2)).build();
			for (int i = 0; i < 35; i++) {
				accounts.update("account-1", (account) -> List.of(new Deposited(1)));
			}
			awaitQueuedWrites(varve);
			// Snapshots are saved asynchronously, one at a time per stream: the one
			// due at version 30 is usually written there, but when the completion of
			// the one before is still on its way a later update writes it (31, 32...:
			// about 1 run in 100, before batches as now).
			Snapshot newest = varve.snapshots().latest("account-1").orElseThrow();
			long at = newest.version();
			assertThat(at).isBetween(30L, 35L);
			assertThat(varve.snapshots().decode(newest, Account.class)).isEqualTo(new Account(at, (int) at));
			// Pruned to the newest two.
			assertThat(varve.snapshots().count()).isEqualTo(2);
			assertThat(varve.snapshots().bytes()).isPositive();

			applied.set(0);
			AggregateRepository.Loaded<Account> loaded = accounts.load("account-1");
			assertThat(loaded).isEqualTo(new AggregateRepository.Loaded<>(new Account(35, 35), 35));
			assertThat(applied).as("events applied after the snapshot").hasValue((int) (35 - at));

			// Without its snapshots the same state comes from the whole stream.
			assertThat(accounts.deleteSnapshots("account-1")).isEqualTo(2);
			applied.set(0);
			assertThat(accounts.load("account-1")).isEqualTo(loaded);
			assertThat(applied).hasValue(35);
		}
		// Closing the store completes every queued write first: three while appending,
		// one more by the load after the snapshots were deleted.
		assertThat(accounts.snapshotsWritten()).isEqualTo(4);
	}

	@Test
	void aSnapshotOfAnotherSchemaVersionOrThatNoLongerDecodesIsIgnored() {
		try (Varve varve = open()) {
			AggregateRepository<Account> v1 = AggregateRepository.builder(varve, Account.EMPTY, Account::apply)
				.snapshots(Account.class, SnapshotPolicy.afterReplaying(3))
				.build();
			for (int i = 0; i < 5; i++) {
				v1.append("account-1", i, new Deposited(2));
			}
			v1.load("account-1");
			awaitQueuedWrites(varve);
			assertThat(varve.snapshots().latest("account-1")).map(Snapshot::version).contains(5L);

			// The state class changed and its schema version with it: the old snapshot is
			// skipped, the stream replayed.
			AggregateRepository<Account> v2 = AggregateRepository.builder(varve, Account.EMPTY, Account::apply)
				.snapshots(Account.class, SnapshotPolicy.every(1000))
				.snapshotSchemaVersion(2)
				.build();
			assertThat(v2.load("account-1").state()).isEqualTo(new Account(10, 5));
			assertThat(v2.snapshotsIgnored()).isEqualTo(1);

			// The class changed but its schema version did not: the snapshot no longer
			// decodes, and is skipped too.
			AggregateRepository<AccountV2> changed = AggregateRepository
				.builder(varve, new AccountV2(new Money(BigDecimal.ZERO, "EUR")), EvolvingAccounts::apply)
				.snapshots(AccountV2.class, SnapshotPolicy.every(1000))
				.build();
			assertThat(changed.load("account-1").state().balance().amount()).isEqualByComparingTo("10");
			assertThat(changed.snapshotsIgnored()).isEqualTo(1);
		}
	}

	@Test
	void aReadOnlyStoreLoadsFromSnapshotsButWritesNone() {
		try (Varve varve = open()) {
			AggregateRepository<Account> accounts = AggregateRepository.builder(varve, Account.EMPTY, Account::apply)
				.snapshots(Account.class, SnapshotPolicy.every(2))
				.build();
			accounts.update("account-1", (account) -> List.of(new Deposited(1), new Deposited(2)));
			awaitQueuedWrites(varve);
		}
		try (Varve readOnly = Varve.builder().path(this.dir).readOnly().eventTypes(Deposited.class).open()) {
			assertThatThrownBy(() -> readOnly.snapshots().save("account-1", 2, 1, new Account(0, 0), 1))
				.isInstanceOf(ReadOnlyStoreException.class);
			AggregateRepository<Account> accounts = AggregateRepository.builder(readOnly, Account.EMPTY, Account::apply)
				.snapshots(Account.class, SnapshotPolicy.afterReplaying(1))
				.build();
			assertThat(accounts.load("account-1").state()).isEqualTo(new Account(3, 2));
			assertThat(readOnly.snapshots().count()).isEqualTo(1);
		}
	}

	/**
	 * Snapshots are written asynchronously on the writer; a synchronous write queued
	 * after them returns once they are committed.
	 */
	private static void awaitQueuedWrites(Varve varve) {
		varve.snapshots().delete("barrier-0");
	}

}

package io.varve.test;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.varve.processor.ErrorPolicy;
import io.varve.processor.ProcessorDefinition;
import io.varve.processor.RetryPolicy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The aggregate and processor fixtures: given, when, then.
 */
class FixturesTest {

	record Account(long balance) {

		static Account apply(Account account, Object event) {
			if (event instanceof Deposited deposited) {
				return new Account(account.balance() + deposited.amount());
			}
			if (event instanceof Withdrawn withdrawn) {
				return new Account(account.balance() - withdrawn.amount());
			}
			return account;
		}

		List<Object> withdraw(long amount) {
			if (amount > this.balance) {
				throw new IllegalStateException("insufficient funds: balance " + this.balance);
			}
			return List.of(new Withdrawn(amount));
		}

	}

	@Test
	void anAggregateFixtureChecksTheEventsADecisionAppends() {
		AggregateFixture<Account> accounts = AggregateFixture.of(new Account(0), Account::apply);
		accounts.given(new Deposited(100)).when((account) -> account.withdraw(30)).then(new Withdrawn(30));
		accounts.when((account) -> account.withdraw(30)).thenState().isEqualTo(new Account(70));
		accounts.when((account) -> account.withdraw(500))
			.thenThrows(IllegalStateException.class)
			.hasMessage("insufficient funds: balance 100");
		accounts.when((account) -> List.of()).thenNothing();
		assertThatThrownBy(() -> accounts.when((account) -> account.withdraw(30)).then(new Withdrawn(31)))
			.isInstanceOf(AssertionError.class)
			.hasMessageContaining("events the decision appended on state Account {\"balance\":100}");
		assertThatThrownBy(() -> accounts.when((account) -> account.withdraw(500)).then(new Withdrawn(500)))
			.hasMessageContaining("but it threw java.lang.IllegalStateException: insufficient funds");
	}

	@Test
	void aProcessorFixtureRunsTheProcessorOnARealStore() {
		List<Object> mailed = new ArrayList<>();
		ProcessorDefinition balances = ProcessorDefinition.builder("balances")
			.errorPolicy(ErrorPolicy.PARK)
			.retryPolicy(RetryPolicy.none())
			.handler((event, context) -> {
				long balance = context.projections().get("balances", event.stream(), Long.class).orElse(0L);
				if (event.data() instanceof Deposited deposited) {
					context.projections().put("balances", event.stream(), balance + deposited.amount());
					mailed.add(deposited);
				}
				else if (event.data() instanceof Withdrawn withdrawn) {
					if (withdrawn.amount() > balance) {
						throw new IllegalStateException("overdrawn");
					}
					context.projections().put("balances", event.stream(), balance - withdrawn.amount());
				}
			})
			.build();
		try (ProcessorFixture fixture = ProcessorFixture.of(balances)) {
			fixture.given("account-1", new Deposited(100), new Withdrawn(30))
				.given("account-2", new Deposited(5), new Withdrawn(50))
				.whenProcessed();
			assertThat(fixture.projection("balances", "account-1", Long.class)).contains(70L);
			assertThat(fixture.projection("balances", "account-2", Long.class)).contains(5L);
			assertThat(fixture.parked()).singleElement().satisfies((parked) -> {
				assertThat(parked.position()).isEqualTo(4);
				assertThat(parked.error()).isEqualTo("overdrawn");
			});
			fixture.assertThatProcessor().hasParked(1).hasLag(0);
			assertThat(mailed).containsExactly(new Deposited(100), new Deposited(5));
		}
	}

}

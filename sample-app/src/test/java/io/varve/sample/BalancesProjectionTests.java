package io.varve.sample;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;

import io.varve.ExpectedVersion;
import io.varve.Varve;
import io.varve.sample.account.AccountEvents.AccountOpened;
import io.varve.sample.account.AccountEvents.MoneyDeposited;
import io.varve.sample.account.AccountEvents.MoneyWithdrawn;
import io.varve.sample.balance.AccountView;
import io.varve.sample.balance.BalanceQueries;
import io.varve.test.VarveTest;
import io.varve.test.VarveTester;

import static io.varve.test.VarveAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The balances projection on Varve's test slice: only the store and the {@code balances}
 * processor start (no web server, no audit file), on a temporary store of the test's own.
 */
@VarveTest(processors = "balances")
@Import(BalanceQueries.class)
class BalancesProjectionTests {

	@Autowired
	Varve varve;

	@Autowired
	VarveTester tester;

	@Autowired
	BalanceQueries balances;

	@Test
	void depositsAndWithdrawalsShowInTheBalance() {
		this.varve.append("account-a1", ExpectedVersion.noStream(), new AccountOpened("a1", "alice"),
				new MoneyDeposited("a1", 1000), new MoneyWithdrawn("a1", 250));
		this.tester.awaitProcessors();
		assertThat(this.balances.account("a1", null)).map(AccountView::balance).contains(750L);
		assertThat(this.varve).processor("balances").isRunning().hasLag(0).hasParked(0);
		assertThat(this.varve).processor("audit-trail").hasState(io.varve.processor.ProcessorState.STOPPED);
	}

}

package io.varve.sample.balance;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.springframework.stereotype.Service;

import io.varve.processor.ProcessorRegistry;
import io.varve.processor.ProjectionEntry;

/**
 * Reads the {@code balances} projection, optionally after waiting until it has processed
 * a given position (read-your-writes).
 */
@Service
public class BalanceQueries {

	private static final Duration WAIT = Duration.ofSeconds(5);

	private final ProcessorRegistry processors;

	public BalanceQueries(ProcessorRegistry processors) {
		this.processors = processors;
	}

	/**
	 * One account.
	 * @param id the account id
	 * @param consistentWith a position the answer must include (from a command's
	 * response), or null to read whatever the projection holds now
	 * @return the account, or empty if the projection does not know it
	 */
	public Optional<AccountView> account(String id, Long consistentWith) {
		if (consistentWith != null) {
			this.processors.awaitProcessed(BalancesProjection.NAME, consistentWith, WAIT);
		}
		return this.processors.projections().get(BalancesProjection.TABLE, id, AccountView.class);
	}

	/**
	 * A page of accounts, by id.
	 * @param after the last id of the previous page, or null
	 * @param limit the page size
	 * @return the accounts
	 */
	public List<AccountView> accounts(String after, int limit) {
		return this.processors.projections()
			.list(BalancesProjection.TABLE, after, limit, AccountView.class)
			.stream()
			.map(ProjectionEntry::value)
			.toList();
	}

}

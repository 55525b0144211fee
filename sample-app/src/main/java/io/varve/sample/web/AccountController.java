package io.varve.sample.web;

import java.net.URI;
import java.util.List;
import java.util.Map;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.varve.AppendResult;
import io.varve.TransactionResult;
import io.varve.Varve;
import io.varve.sample.account.Account;
import io.varve.sample.account.AccountNotFoundException;
import io.varve.sample.account.AccountService;
import io.varve.sample.balance.AccountView;
import io.varve.sample.balance.BalanceQueries;

/**
 * The bank's HTTP API. Amounts are in cents.
 */
@RestController
public class AccountController {

	private final AccountService accounts;

	private final BalanceQueries balances;

	private final Varve varve;

	public AccountController(AccountService accounts, BalanceQueries balances, Varve varve) {
		this.accounts = accounts;
		this.balances = balances;
		this.varve = varve;
	}

	@PostMapping("/accounts")
	ResponseEntity<Written> open(@RequestBody OpenAccount request) {
		Requests.requireText("owner", request.owner());
		AccountService.Opened opened = this.accounts.open(request.owner());
		return ResponseEntity.created(URI.create("/accounts/" + opened.id()))
			.body(Written.of(opened.id(), opened.result()));
	}

	@GetMapping("/accounts/{id}")
	AccountView account(@PathVariable String id, @RequestParam(required = false) Long consistentWith) {
		return this.balances.account(id, consistentWith).orElseThrow(() -> new AccountNotFoundException(id));
	}

	@GetMapping("/accounts")
	List<AccountView> accounts(@RequestParam(required = false) String after,
			@RequestParam(defaultValue = "100") int limit) {
		if (limit < 1 || limit > 1000) {
			throw new IllegalArgumentException("limit must be 1..1000, got " + limit);
		}
		return this.balances.accounts(after, limit);
	}

	@GetMapping("/accounts/{id}/history")
	List<Map<String, Object>> history(@PathVariable String id, @RequestParam(defaultValue = "1") long fromVersion,
			@RequestParam(defaultValue = "100") int limit) {
		this.accounts.load(id);
		return this.varve.readStream(Account.stream(id), fromVersion, Math.min(limit, 1000))
			.stream()
			.map((event) -> Map.<String, Object>of("version", event.version(), "position", event.position(), "type",
					event.type(), "timestamp", event.timestamp().toString(), "data", event.data()))
			.toList();
	}

	@PostMapping("/accounts/{id}/deposits")
	Written deposit(@PathVariable String id, @RequestBody Movement request) {
		Requests.requirePositive("amount", request.amount());
		return Written.of(id, this.accounts.deposit(id, request.amount(), request.expectedVersion()));
	}

	@PostMapping("/accounts/{id}/withdrawals")
	Written withdraw(@PathVariable String id, @RequestBody Movement request) {
		Requests.requirePositive("amount", request.amount());
		return Written.of(id, this.accounts.withdraw(id, request.amount(), request.expectedVersion()));
	}

	@PostMapping("/transfers")
	Map<String, Object> transfer(@RequestBody Transfer request) {
		Requests.requireText("from", request.from());
		Requests.requireText("to", request.to());
		Requests.requirePositive("amount", request.amount());
		TransactionResult result = this.accounts.transfer(request.from(), request.to(), request.amount());
		return Map.of("from", Written.of(request.from(), result.results().get(0)), "to",
				Written.of(request.to(), result.results().get(1)), "position", result.lastPosition());
	}

	@PostMapping("/load")
	Map<String, Object> load(@RequestParam(defaultValue = "10000") int events,
			@RequestParam(defaultValue = "10") int accounts) {
		if (events < 1 || events > 1_000_000 || accounts < 1 || accounts > 1000) {
			throw new IllegalArgumentException("events must be 1..1000000 and accounts 1..1000");
		}
		long last = this.accounts.generateLoad(events, accounts);
		return Map.of("appended", events, "lastPosition", last);
	}

	record OpenAccount(String owner) {
	}

	record Movement(long amount, Long expectedVersion) {
	}

	record Transfer(String from, String to, long amount) {
	}

	/**
	 * What a command wrote: use {@code version} as the next expected version and
	 * {@code position} with {@code ?consistentWith=} to read your own write.
	 *
	 * @param id the account id
	 * @param version the account stream's new version
	 * @param position the global position of the last event written
	 */
	record Written(String id, long version, long position) {

		static Written of(String id, AppendResult result) {
			return new Written(id, result.version(), result.lastPosition());
		}

	}

}

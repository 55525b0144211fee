package io.varve.sample.account;

import io.varve.EventType;

/**
 * The events of an account's stream ({@code account-<id>}).
 */
public final class AccountEvents {

	private AccountEvents() {
	}

	@EventType("account-opened")
	public record AccountOpened(String accountId, String owner) {
	}

	@EventType("money-deposited")
	public record MoneyDeposited(String accountId, long amount) {
	}

	@EventType("money-withdrawn")
	public record MoneyWithdrawn(String accountId, long amount) {
	}

	@EventType("transfer-sent")
	public record TransferSent(String transferId, String accountId, String toAccountId, long amount) {
	}

	@EventType("transfer-received")
	public record TransferReceived(String transferId, String accountId, String fromAccountId, long amount) {
	}

}

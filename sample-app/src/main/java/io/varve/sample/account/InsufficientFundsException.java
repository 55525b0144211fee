package io.varve.sample.account;

/**
 * A withdrawal or transfer would take an account below zero.
 */
public class InsufficientFundsException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	public InsufficientFundsException(String id, long balance, long amount) {
		super("Account '" + id + "' holds " + balance + " but " + amount + " was requested");
	}

}

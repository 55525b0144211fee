package io.varve.sample.account;

/**
 * No account has this id.
 */
public class AccountNotFoundException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	public AccountNotFoundException(String id) {
		super("No account with id '" + id + "'");
	}

}

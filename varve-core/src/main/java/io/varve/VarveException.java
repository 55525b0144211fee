package io.varve;

/**
 * Base of every exception Varve throws. All are unchecked; catch this type to handle any
 * Varve failure in one place. Every failure leaves the store exactly as it was.
 */
public class VarveException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	public VarveException(String message) {
		super(message);
	}

	public VarveException(String message, Throwable cause) {
		super(message, cause);
	}

}

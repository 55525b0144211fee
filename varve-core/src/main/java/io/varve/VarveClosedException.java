package io.varve;

/**
 * The store was used after {@link io.varve.Varve#close()}.
 */
public class VarveClosedException extends VarveException {

	private static final long serialVersionUID = 1L;

	public VarveClosedException(String message) {
		super(message);
	}

	public VarveClosedException(String message, Throwable cause) {
		super(message, cause);
	}

}

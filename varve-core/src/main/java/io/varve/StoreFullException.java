package io.varve;

/**
 * The store reached its maximum size. The append that hit the limit changed nothing; the
 * store stays readable and accepts appends again once there is room. Raise the limit with
 * {@link VarveBuilder#maxMapSize(long)} (property {@code varve.max-map-size}).
 */
public class StoreFullException extends VarveException {

	private static final long serialVersionUID = 1L;

	public StoreFullException(String message) {
		super(message);
	}

}

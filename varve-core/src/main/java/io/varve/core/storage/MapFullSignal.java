package io.varve.core.storage;

/**
 * Thrown by a write when the map is full. The writer aborts the transaction, grows the
 * map and retries the group; users never see it.
 */
public final class MapFullSignal extends RuntimeException {

	private static final long serialVersionUID = 1L;

	public MapFullSignal(Throwable cause) {
		super("map full", cause, false, false);
	}

}

package io.varve.boot.metrics;

import java.util.function.DoubleSupplier;

import io.varve.VarveException;

/** Reads a figure for a meter without ever throwing into the meter registry. */
final class Guarded {

	private Guarded() {
	}

	/**
	 * The figure, or NaN when the store is closed or the read fails.
	 * @param open whether the store is open
	 * @param figure reads the figure
	 * @return the figure or NaN
	 */
	static double value(boolean open, DoubleSupplier figure) {
		if (!open) {
			return Double.NaN;
		}
		try {
			return figure.getAsDouble();
		}
		catch (VarveException ex) {
			// Closed while reading, or unreadable: the health indicator reports why.
			return Double.NaN;
		}
	}

}

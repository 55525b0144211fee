package io.varve.core.write;

import java.util.function.Consumer;

import io.varve.core.DefaultVarve;
import io.varve.core.storage.WriteTxn;

/**
 * Writes straight into a store's tables through its writer, in one group of its own: for
 * tests that damage a store or plant bytes where the API would never put them.
 */
public final class RawWrites {

	private RawWrites() {
	}

	/**
	 * Applies writes in a transaction of the store's writer and waits for the commit.
	 * @param varve the store
	 * @param writes what to write
	 */
	public static void apply(DefaultVarve varve, Consumer<WriteTxn> writes) {
		varve.groupWriter().submit(new WriteRequest<Void>(false) {

			@Override
			protected Void apply(WriteContext context) {
				writes.accept(context.txn());
				return null;
			}

			@Override
			protected int eventCount() {
				return 0;
			}

			@Override
			protected long byteSize() {
				return 64;
			}

		}).join();
	}

}

package io.varve.core;

import io.varve.core.codec.Names;
import io.varve.core.crypto.DataKeys;
import io.varve.core.snapshot.DefaultSnapshotStore;
import io.varve.core.write.WriteContext;
import io.varve.core.write.WriteRequest;

/**
 * Changes to the key store that go through the writer, so that they fall between groups
 * of appends: an append queued before a forget is sealed with the stream's key and
 * committed before the key goes; one queued after it is refused.
 */
final class KeyOperations {

	private KeyOperations() {
	}

	/**
	 * Forgets a stream: removes its data key from the key store (rewritten and flushed
	 * before this returns) and deletes its snapshots, which hold state decoded from its
	 * events in clear.
	 */
	static final class Forget extends WriteRequest<Boolean> {

		private final DataKeys keys;

		private final String stream;

		private final byte[] name;

		/**
		 * Whether the key was there, once this was applied (a group may be applied
		 * again).
		 */
		private Boolean forgotten;

		Forget(DataKeys keys, String stream) {
			super(false);
			this.keys = keys;
			this.stream = stream;
			this.name = Names.streamName(stream);
		}

		@Override
		protected Boolean apply(WriteContext context) {
			if (this.forgotten == null) {
				this.forgotten = this.keys.forget(this.stream);
			}
			DefaultSnapshotStore.deleteAll(context.txn(), this.name);
			return this.forgotten;
		}

		@Override
		protected int eventCount() {
			return 0;
		}

		@Override
		protected long byteSize() {
			return 0;
		}

	}

	/** Rewraps every data key under the key provider's current master key. */
	static final class Rotate extends WriteRequest<Integer> {

		private final DataKeys keys;

		private Integer rewrapped;

		Rotate(DataKeys keys) {
			super(false);
			this.keys = keys;
		}

		@Override
		protected Integer apply(WriteContext context) {
			if (this.rewrapped == null) {
				this.rewrapped = this.keys.rotate();
			}
			return this.rewrapped;
		}

		@Override
		protected int eventCount() {
			return 0;
		}

		@Override
		protected long byteSize() {
			return 0;
		}

	}

}

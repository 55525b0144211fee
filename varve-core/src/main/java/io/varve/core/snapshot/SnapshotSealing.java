package io.varve.core.snapshot;

import org.jspecify.annotations.Nullable;

import io.varve.core.write.WriteContext;

/**
 * Seals snapshot states in an encrypted store, under the data key of their stream, so
 * that aggregate state is no more readable on disk than the events it was built from, and
 * goes with them when the stream is forgotten.
 */
public interface SnapshotSealing {

	/**
	 * Seals a state as the writer stores it.
	 * @param stream the stream
	 * @param boundTo what the sealed bytes are bound to: the snapshot's table key (stream
	 * and version) and its schema version, as {@link #boundTo} gives them
	 * @param state the encoded state
	 * @param context the group's context (a new key is flushed before the group commits)
	 * @return the sealed state
	 * @throws io.varve.StreamForgottenException if the stream was forgotten
	 */
	byte[] seal(String stream, byte[] boundTo, byte[] state, WriteContext context);

	/**
	 * Opens a sealed state.
	 * @param boundTo what it was bound to when sealed
	 * @param sealed the sealed state
	 * @return the state, or null when the stream was forgotten
	 * @throws io.varve.CorruptDataException if it does not open
	 */
	byte @Nullable [] open(byte[] boundTo, byte[] sealed);

	/**
	 * What a snapshot's sealed state is bound to: its table key and the 4 bytes of its
	 * schema version, so that neither can be changed without the state failing to open.
	 * @param tableKey the snapshot's table key
	 * @param value the stored value, schema version first
	 * @return the bytes
	 */
	static byte[] boundTo(byte[] tableKey, byte[] value) {
		byte[] bound = java.util.Arrays.copyOf(tableKey, tableKey.length + 4);
		System.arraycopy(value, 0, bound, tableKey.length, 4);
		return bound;
	}

}

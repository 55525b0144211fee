package io.varve.core.storage;

/**
 * Key-value tables beside the log, written in the same transactions as events: processor
 * checkpoints, projection state and parked (dead-letter) events. Keys are at most 511
 * bytes; values are opaque bytes.
 */
public enum AuxTable {

	/** Processor name to checkpoint and processor state. */
	CHECKPOINTS,

	/** Projection table and key to Smile-encoded value. */
	PROJECTIONS,

	/** Processor name and position to the parked event's error. */
	PARKED,

	/** The (type name, schema version) pairs of the stored events. */
	EVENT_TYPES,

	/** Aggregate snapshots by stream and version. */
	SNAPSHOTS

}

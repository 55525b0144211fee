package io.varve;

/**
 * A stream's history was needed from a version whose events were deleted
 * ({@link Varve#truncateBefore}, retention): an aggregate cannot be rebuilt from part of
 * its history. Keep a snapshot at or after the last deleted version before truncating an
 * event-sourced stream (see {@link AggregateRepository} and {@link SnapshotPolicy}), or
 * do not truncate such streams.
 */
public class StreamTruncatedException extends VarveException {

	private static final long serialVersionUID = 1L;

	private final String stream;

	private final long firstVersion;

	public StreamTruncatedException(String stream, long neededVersion, long firstVersion) {
		super("Stream '" + stream + "' is needed from version " + neededVersion + " but its events before version "
				+ firstVersion + " were deleted (truncateBefore or retention): an aggregate cannot be rebuilt from "
				+ "part of its history. Keep a snapshot at version " + (firstVersion - 1)
				+ " or later before truncating an event-sourced stream, or do not truncate it");
		this.stream = stream;
		this.firstVersion = firstVersion;
	}

	/** The stream. */
	public String stream() {
		return this.stream;
	}

	/** Its first version still stored. */
	public long firstVersion() {
		return this.firstVersion;
	}

}

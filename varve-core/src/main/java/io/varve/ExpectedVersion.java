package io.varve;

/**
 * What an append expects of its stream's current version: the optimistic concurrency
 * check. A stream's version is its event count (the first event has version 1), so
 * {@code exact(n)} means "the stream holds exactly n events".
 *
 * <pre>{@code
 * List<RecordedEvent> history = varve.readStream("account-42", 1, 1000);
 * long version = history.isEmpty() ? 0 : history.get(history.size() - 1).version();
 * varve.append("account-42", ExpectedVersion.exact(version), new Withdrawn(50));
 * }</pre>
 */
public final class ExpectedVersion {

	/** Kinds of expectation. */
	public enum Kind {

		/** No check. */
		ANY,
		/** The stream must not exist yet (version 0). */
		NO_STREAM,
		/** The stream must exist (version 1 or more). */
		STREAM_EXISTS,
		/** The stream's version must equal {@link ExpectedVersion#version()}. */
		EXACT,
		/**
		 * The stream must be deleted, and starts again
		 * ({@link ExpectedVersion#recreate()}).
		 */
		RECREATE

	}

	private static final ExpectedVersion ANY = new ExpectedVersion(Kind.ANY, -1);

	private static final ExpectedVersion NO_STREAM = new ExpectedVersion(Kind.NO_STREAM, 0);

	private static final ExpectedVersion STREAM_EXISTS = new ExpectedVersion(Kind.STREAM_EXISTS, -1);

	private static final ExpectedVersion RECREATE = new ExpectedVersion(Kind.RECREATE, -1);

	private final Kind kind;

	private final long version;

	private ExpectedVersion(Kind kind, long version) {
		this.kind = kind;
		this.version = version;
	}

	/** Append whatever the stream's version is. */
	public static ExpectedVersion any() {
		return ANY;
	}

	/** Append only if the stream does not exist yet. */
	public static ExpectedVersion noStream() {
		return NO_STREAM;
	}

	/** Append only if the stream already has at least one event. */
	public static ExpectedVersion streamExists() {
		return STREAM_EXISTS;
	}

	/**
	 * The stream was deleted ({@link Varve#deleteStream}) and is to start again: the only
	 * way to append to a deleted stream. Its versions go on after the version it was
	 * deleted at. Fails with {@link WrongExpectedVersionException} on a stream that is
	 * not deleted.
	 * @return the expectation
	 */
	public static ExpectedVersion recreate() {
		return RECREATE;
	}

	/**
	 * Append only if the stream's current version is {@code version}. {@code exact(0)}
	 * means the stream must not exist, like {@link #noStream()}.
	 * @param version the stream's current version, 0 or more
	 * @return the expectation
	 * @throws InvalidArgumentException if {@code version} is negative
	 */
	public static ExpectedVersion exact(long version) {
		if (version < 0) {
			throw new InvalidArgumentException(
					"Expected version must be 0 or more (a stream's version is its event count), got " + version
							+ "; use ExpectedVersion.noStream() for a new stream");
		}
		return new ExpectedVersion(Kind.EXACT, version);
	}

	/** The kind of expectation. */
	public Kind kind() {
		return this.kind;
	}

	/**
	 * The exact version for {@link Kind#EXACT} (0 for {@link Kind#NO_STREAM}), else -1.
	 */
	public long version() {
		return this.version;
	}

	/**
	 * Whether a stream currently at {@code currentVersion} meets this expectation.
	 * @param currentVersion the stream's version, 0 when it does not exist
	 * @return whether an append may go ahead
	 */
	public boolean isMetBy(long currentVersion) {
		return switch (this.kind) {
			case ANY -> true;
			case NO_STREAM -> currentVersion == 0;
			case STREAM_EXISTS -> currentVersion > 0;
			case EXACT -> currentVersion == this.version;
			case RECREATE -> false;
		};
	}

	String describe() {
		return switch (this.kind) {
			case ANY -> "at any version";
			case NO_STREAM -> "absent (no stream)";
			case STREAM_EXISTS -> "existing";
			case EXACT -> "at version " + this.version;
			case RECREATE -> "deleted (to re-create it)";
		};
	}

	@Override
	public boolean equals(Object obj) {
		return (obj instanceof ExpectedVersion other) && other.kind == this.kind && other.version == this.version;
	}

	@Override
	public int hashCode() {
		return this.kind.hashCode() * 31 + Long.hashCode(this.version);
	}

	@Override
	public String toString() {
		return switch (this.kind) {
			case ANY -> "any()";
			case NO_STREAM -> "noStream()";
			case STREAM_EXISTS -> "streamExists()";
			case EXACT -> "exact(" + this.version + ")";
			case RECREATE -> "recreate()";
		};
	}

}

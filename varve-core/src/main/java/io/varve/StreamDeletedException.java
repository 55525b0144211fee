package io.varve;

/**
 * An append went to a stream that was deleted ({@link Varve#deleteStream}). Nothing was
 * written. A deleted stream keeps a tombstone with its last version, so that a command
 * decided on its old life cannot silently append to a new one. To start the stream again
 * on purpose, append with {@link ExpectedVersion#recreate()}: its numbering goes on after
 * {@link #lastVersion()}.
 */
public class StreamDeletedException extends VarveException {

	private static final long serialVersionUID = 1L;

	private final String stream;

	private final long lastVersion;

	public StreamDeletedException(String stream, long lastVersion) {
		super("Stream '" + stream + "' was deleted at version " + lastVersion
				+ "; nothing was appended. To start it again on purpose, append with ExpectedVersion.recreate() "
				+ "(its versions go on from " + (lastVersion + 1) + ")");
		this.stream = stream;
		this.lastVersion = lastVersion;
	}

	/** The deleted stream. */
	public String stream() {
		return this.stream;
	}

	/** Its version when it was deleted. */
	public long lastVersion() {
		return this.lastVersion;
	}

}

package io.varve;

import java.util.Arrays;
import java.util.Objects;

/**
 * A stored snapshot of an aggregate's state: the state after the stream's events up to a
 * version, encoded by the {@link AggregateRepository} that wrote it (Smile), with the
 * schema version of its state class.
 *
 * @param stream the stream
 * @param version the stream version the state includes
 * @param schemaVersion the schema version of the state's class when it was written
 * @param data the encoded state
 */
public record Snapshot(String stream, long version, int schemaVersion, byte[] data) {

	/**
	 * Checks the parts.
	 * @param stream the stream
	 * @param version the stream version, at least 1
	 * @param schemaVersion the schema version, at least 1
	 * @param data the encoded state
	 */
	public Snapshot {
		Objects.requireNonNull(stream, "stream");
		Objects.requireNonNull(data, "data");
		if (version < 1 || schemaVersion < 1) {
			throw new InvalidArgumentException(
					"A snapshot's version and schema version are at least 1, got " + version + " and " + schemaVersion);
		}
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof Snapshot that && this.stream.equals(that.stream) && this.version == that.version
				&& this.schemaVersion == that.schemaVersion && Arrays.equals(this.data, that.data);
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.stream, this.version, this.schemaVersion, Arrays.hashCode(this.data));
	}

	@Override
	public String toString() {
		return "Snapshot[stream=" + this.stream + ", version=" + this.version + ", schemaVersion=" + this.schemaVersion
				+ ", " + this.data.length + " bytes]";
	}

}

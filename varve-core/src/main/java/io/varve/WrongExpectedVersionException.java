package io.varve;

/**
 * The stream's current version did not match the {@link ExpectedVersion} of an append.
 * Nothing was written. Reload the stream (its version is {@link #actualVersion()}),
 * decide again, and retry with the new version.
 *
 * <pre>{@code
 * try {
 *     varve.append("account-42", ExpectedVersion.exact(7), new Deposited(100));
 * }
 * catch (WrongExpectedVersionException ex) {
 *     long now = ex.actualVersion(); // someone else appended first
 * }
 * }</pre>
 */
public class WrongExpectedVersionException extends VarveException {

	private static final long serialVersionUID = 1L;

	private final String stream;

	private final ExpectedVersion expected;

	private final long actualVersion;

	public WrongExpectedVersionException(String stream, ExpectedVersion expected, long actualVersion) {
		super("Stream '" + stream + "' was expected to be " + expected.describe() + " but its version is "
				+ actualVersion + (actualVersion == 0 ? " (it does not exist)" : "")
				+ "; reload the stream and retry with the current version");
		this.stream = stream;
		this.expected = expected;
		this.actualVersion = actualVersion;
	}

	/** The stream the append was for. */
	public String stream() {
		return this.stream;
	}

	/** What the caller expected. */
	public ExpectedVersion expected() {
		return this.expected;
	}

	/**
	 * The stream's version when the append was checked; 0 when the stream does not exist.
	 */
	public long actualVersion() {
		return this.actualVersion;
	}

}

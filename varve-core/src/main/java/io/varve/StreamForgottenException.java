package io.varve;

/**
 * An append was refused because its stream was forgotten ({@link Varve#forget(String)}):
 * a forgotten stream takes no new events, so that nothing written after the forget is
 * readable under the forgotten name by surprise. Append to a new stream name instead.
 */
public class StreamForgottenException extends VarveException {

	private static final long serialVersionUID = 1L;

	private final String stream;

	public StreamForgottenException(String stream, String message) {
		super(message);
		this.stream = stream;
	}

	/** The forgotten stream. */
	public String stream() {
		return this.stream;
	}

}

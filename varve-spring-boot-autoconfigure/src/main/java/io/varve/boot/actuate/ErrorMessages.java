package io.varve.boot.actuate;

import io.varve.EventDecodingException;

/**
 * Error messages as the endpoint and the health contributor show them. A decoding error's
 * message can quote values from the event it failed on (Jackson names the value it could
 * not convert), so it is replaced by a description; the full message stays in the
 * application log. Other messages are the handler's own, shown as thrown: keep event data
 * out of them.
 */
final class ErrorMessages {

	/** Shown instead of a decoding error's message. */
	static final String DECODING_ERROR = "the event's payload or metadata did not decode into the handler's class "
			+ "(the message may quote event data, so it is only in the application log)";

	private ErrorMessages() {
	}

	/**
	 * The message to show for an error.
	 * @param errorType the exception's class name
	 * @param message its message
	 * @return the message, or a description when it may quote event data
	 */
	static String shown(String errorType, String message) {
		return EventDecodingException.class.getName().equals(errorType) ? DECODING_ERROR : message;
	}

}

package io.varve.core;

/**
 * Told about every append and transaction when it finishes, for metrics. Called on the
 * caller's thread (or, for async appends, the completion thread): keep it quick.
 */
@FunctionalInterface
public interface AppendObserver {

	/**
	 * An append finished.
	 * @param outcome how it ended
	 * @param events the events it carried (0 when it failed before they were counted)
	 * @param nanos time from the call to the end
	 */
	void appended(Outcome outcome, int events, long nanos);

	/** How an append ended. */
	enum Outcome {

		/** Written (or found already written by an idempotent retry). */
		SUCCESS,

		/** Refused by the optimistic concurrency check. */
		CONFLICT,

		/**
		 * Refused for any other reason: bad input, duplicate ids, store full, closed...
		 */
		ERROR;

		static Outcome of(Throwable failure) {
			if (failure == null) {
				return SUCCESS;
			}
			Throwable cause = (failure instanceof java.util.concurrent.CompletionException
					&& failure.getCause() != null) ? failure.getCause() : failure;
			return (cause instanceof io.varve.WrongExpectedVersionException) ? CONFLICT : ERROR;
		}

	}

}

package io.varve.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The warnings (and worse) one of Varve's classes logs while some work runs: Varve logs
 * through {@link System.Logger}, which goes to {@code java.util.logging} in tests.
 */
public final class LoggedWarnings {

	private LoggedWarnings() {
	}

	/** Work that may throw. */
	@FunctionalInterface
	public interface Work {

		/** Runs it. */
		void run() throws Exception;

	}

	/**
	 * Runs the work and returns the messages logged at WARNING or above by the class's
	 * logger meanwhile (from any thread).
	 * @param source the class whose logger is watched
	 * @param work the work
	 * @return the messages, in the order logged
	 */
	public static List<String> whileRunning(Class<?> source, Work work) throws Exception {
		Logger logger = Logger.getLogger(source.getName());
		List<String> warnings = new CopyOnWriteArrayList<>();
		Handler handler = new Handler() {

			@Override
			public void publish(LogRecord record) {
				if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
					warnings.add(record.getMessage());
				}
			}

			@Override
			public void flush() {
			}

			@Override
			public void close() {
			}

		};
		logger.addHandler(handler);
		try {
			work.run();
		}
		finally {
			logger.removeHandler(handler);
		}
		return List.copyOf(warnings);
	}

}

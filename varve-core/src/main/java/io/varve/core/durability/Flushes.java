package io.varve.core.durability;

import java.nio.file.Path;

import org.jspecify.annotations.Nullable;

/**
 * Every flush of a store file (journal records and segments, the checkpoint file, the
 * data file at checkpoints) passes here, so that the power-cut tests can keep, per file,
 * what a power cut would leave: the content as of its last flush. With no observer (the
 * only case outside those tests) it costs one volatile read per flush.
 */
public final class Flushes {

	private static volatile @Nullable Observer observer;

	private Flushes() {
	}

	/**
	 * Sets the observer, for tests.
	 * @param newObserver the observer, or null for none
	 */
	public static void observe(@Nullable Observer newObserver) {
		observer = newObserver;
	}

	/**
	 * A file is about to be flushed: what it holds now is durable once the flush returns.
	 * @param file the file
	 */
	public static void before(Path file) {
		Observer current = observer;
		if (current != null) {
			current.beforeFlush(file);
		}
	}

	/**
	 * A file's flush returned.
	 * @param file the file
	 */
	public static void after(Path file) {
		Observer current = observer;
		if (current != null) {
			current.afterFlush(file);
		}
	}

	/** Told about each flush. */
	public interface Observer {

		/**
		 * @param file the file about to be flushed
		 */
		void beforeFlush(Path file);

		/**
		 * @param file the file whose flush returned
		 */
		void afterFlush(Path file);

	}

}

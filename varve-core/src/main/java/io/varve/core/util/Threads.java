package io.varve.core.util;

/**
 * Helpers for Varve's own threads.
 */
public final class Threads {

	private Threads() {
	}

	/**
	 * Waits until a thread has ended, even if the caller is interrupted meanwhile; the
	 * interrupt is kept for the caller to see afterwards. For closing what a thread still
	 * uses only once it has ended.
	 * @param thread the thread
	 */
	public static void joinUninterruptibly(Thread thread) {
		boolean interrupted = false;
		while (thread.isAlive()) {
			try {
				thread.join();
			}
			catch (InterruptedException ex) {
				interrupted = true;
			}
		}
		if (interrupted) {
			Thread.currentThread().interrupt();
		}
	}

}

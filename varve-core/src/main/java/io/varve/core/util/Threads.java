package io.varve.core.util;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

import org.jspecify.annotations.Nullable;

/**
 * Helpers for Varve's own threads.
 */
public final class Threads {

	/**
	 * {@code Thread.isVirtual()} on Java 21 and later; null before (no virtual threads).
	 */
	private static final MethodHandle IS_VIRTUAL = isVirtualHandle();

	private Threads() {
	}

	/**
	 * Whether the current thread is a virtual thread (always false before Java 21).
	 * @return true on a virtual thread
	 */
	public static boolean currentIsVirtual() {
		if (IS_VIRTUAL == null) {
			return false;
		}
		try {
			return (boolean) IS_VIRTUAL.invokeExact(Thread.currentThread());
		}
		catch (Throwable ex) {
			// Cannot tell: answer as for a virtual thread, the cautious side.
			return true;
		}
	}

	private static @Nullable MethodHandle isVirtualHandle() {
		try {
			return MethodHandles.publicLookup()
				.findVirtual(Thread.class, "isVirtual", MethodType.methodType(boolean.class));
		}
		catch (NoSuchMethodException | IllegalAccessException ex) {
			return null;
		}
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

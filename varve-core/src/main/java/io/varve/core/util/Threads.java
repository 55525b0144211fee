package io.varve.core.util;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

import org.jspecify.annotations.Nullable;

import io.varve.VarveException;

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

	/**
	 * Waits for a result whose work will finish anyway (queued or running), even if the
	 * caller is interrupted meanwhile, so that what the caller reports matches what was
	 * done; the interrupt is kept for the caller to see afterwards.
	 * @param <R> the result type
	 * @param future the result
	 * @param what what the work is, for the message of a checked failure
	 * @return the result
	 * @throws RuntimeException what the work threw, as it is (see {@link #failureOf})
	 */
	public static <R> R awaitUninterruptibly(Future<R> future, String what) {
		boolean interrupted = false;
		try {
			while (true) {
				try {
					return future.get();
				}
				catch (InterruptedException ex) {
					interrupted = true;
				}
				catch (ExecutionException ex) {
					throw failureOf(ex, what);
				}
			}
		}
		finally {
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
		}
	}

	/**
	 * What a failed piece of work threw, to rethrow on the thread that waited for it: an
	 * unchecked exception as it is (an {@link Error} is thrown from here), anything else
	 * wrapped in a {@link VarveException}.
	 * @param ex the failure as the future reported it
	 * @param what what the work is, for the wrapper's message ("Append" gives "Append
	 * failed: ...")
	 * @return the exception to throw
	 */
	public static RuntimeException failureOf(ExecutionException ex, String what) {
		Throwable cause = ex.getCause();
		if (cause instanceof RuntimeException runtime) {
			return runtime;
		}
		if (cause instanceof Error error) {
			throw error;
		}
		return new VarveException(what + " failed: " + cause, cause);
	}

}

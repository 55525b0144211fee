package io.varve.benchmarks.support;

import java.lang.reflect.Method;
import java.util.concurrent.ThreadFactory;

/**
 * The kinds of thread a load can run its callers on: platform threads, and virtual
 * threads where the JDK has them (21 and later; found by reflection, since the benchmarks
 * are built for Java 17).
 */
public final class LoadThreads {

	/** Daemon platform threads, one operating system thread per caller. */
	public static final ThreadFactory PLATFORM = (runnable) -> {
		Thread thread = new Thread(runnable);
		thread.setDaemon(true);
		return thread;
	};

	private static final ThreadFactory VIRTUAL = virtualFactory();

	private LoadThreads() {
	}

	/**
	 * A factory of virtual threads.
	 * @return the factory, or null before Java 21
	 */
	public static ThreadFactory virtualOrNull() {
		return VIRTUAL;
	}

	private static ThreadFactory virtualFactory() {
		try {
			Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
			Method factory = Class.forName("java.lang.Thread$Builder").getMethod("factory");
			return (ThreadFactory) factory.invoke(builder);
		}
		catch (ReflectiveOperationException | RuntimeException ex) {
			return null;
		}
	}

}

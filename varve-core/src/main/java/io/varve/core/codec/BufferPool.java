package io.varve.core.codec;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

import tools.jackson.core.util.BufferRecycler;
import tools.jackson.core.util.JsonRecyclerPools;
import tools.jackson.core.util.RecyclerPool;

/**
 * Where Varve's default mapper takes Jackson's working buffers from: a platform thread
 * keeps its own (as Jackson 2 did), a virtual thread borrows from a shared pool (as
 * Jackson 3 does for every thread).
 * <p>
 * Jackson 3's default pool is one lock-free deque shared by every thread: each encoding
 * and decoding takes a buffer set from it and gives it back, two compare-and-set steps on
 * the same memory. Measured with 64 threads appending and with a processor's handler
 * reading and writing projection values on every event, that cost more than the encoding
 * of a small value. A thread's own set costs nothing to take, but a virtual thread lives
 * for one task, so its own set would be allocated for each task and kept in a
 * thread-local: virtual threads keep the shared pool.
 */
final class BufferPool implements RecyclerPool<BufferRecycler> {

	private static final long serialVersionUID = 1L;

	static final BufferPool INSTANCE = new BufferPool();

	/**
	 * {@code Thread.isVirtual()} on Java 21 and later; null before, where no thread is.
	 */
	private static final MethodHandle IS_VIRTUAL = isVirtualMethod();

	private static final RecyclerPool<BufferRecycler> OWN = JsonRecyclerPools.threadLocalPool();

	private static final RecyclerPool<BufferRecycler> SHARED = JsonRecyclerPools.newConcurrentDequePool();

	private BufferPool() {
	}

	@Override
	public BufferRecycler acquirePooled() {
		return onVirtualThread() ? SHARED.acquirePooled() : OWN.acquirePooled();
	}

	@Override
	public BufferRecycler acquireAndLinkPooled() {
		// A shared set is linked to the shared pool and goes back there; a thread's own
		// set is not linked, and its release is nothing.
		return onVirtualThread() ? SHARED.acquireAndLinkPooled() : OWN.acquireAndLinkPooled();
	}

	@Override
	public void releasePooled(BufferRecycler recycler) {
		if (onVirtualThread()) {
			SHARED.releasePooled(recycler);
		}
	}

	/** Buffer sets waiting in the shared pool, for tests. */
	static int sharedCount() {
		return SHARED.pooledCount();
	}

	static boolean onVirtualThread() {
		if (IS_VIRTUAL == null) {
			return false;
		}
		try {
			return (boolean) IS_VIRTUAL.invokeExact(Thread.currentThread());
		}
		catch (Throwable ex) {
			throw new IllegalStateException("Thread.isVirtual() failed", ex);
		}
	}

	private static MethodHandle isVirtualMethod() {
		try {
			return MethodHandles.publicLookup()
				.findVirtual(Thread.class, "isVirtual", MethodType.methodType(boolean.class));
		}
		catch (NoSuchMethodException | IllegalAccessException ex) {
			return null;
		}
	}

	/** One pool per JVM, also after deserialisation of a mapper. */
	private Object readResolve() {
		return INSTANCE;
	}

}

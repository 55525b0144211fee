package io.varve.core.write;

import java.util.concurrent.CompletableFuture;

/**
 * A unit of work for the writer (applied on its thread, or on the caller's when it
 * commits a lone waiting append itself). {@link #apply} first checks everything that can
 * fail on the caller's account and only then writes, so a request that throws a
 * {@link io.varve.VarveException} has changed nothing and fails alone.
 *
 * @param <R> the result type
 */
public abstract class WriteRequest<R> {

	private final CompletableFuture<R> future = new CompletableFuture<>();

	private final boolean async;

	R result;

	RuntimeException failure;

	protected WriteRequest(boolean async) {
		this.async = async;
	}

	/**
	 * Checks, then writes, inside the group's transaction.
	 * @param context the group's context
	 * @return the result, handed to the caller after the commit
	 */
	protected abstract R apply(WriteContext context);

	/** Number of events written, for sizing groups. */
	protected abstract int eventCount();

	/** Approximate bytes written, for sizing groups. */
	protected abstract long byteSize();

	/** The future completed after the group commits. */
	public CompletableFuture<R> future() {
		return this.future;
	}

	boolean isAsync() {
		return this.async;
	}

	void complete() {
		if (this.failure != null) {
			this.future.completeExceptionally(this.failure);
		}
		else {
			this.future.complete(this.result);
		}
	}

}

package io.varve.core.write;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.jspecify.annotations.Nullable;

/**
 * A unit of work for the writer (applied on its thread, or on the caller's when it
 * commits a lone waiting append itself). {@link #apply} first checks everything that can
 * fail on the caller's account and only then writes, so a request that throws a
 * {@link io.varve.VarveException} has changed nothing and fails alone.
 *
 * @param <R> the result type
 */
public abstract class WriteRequest<R> {

	private final CompletableFuture<R> future;

	private final boolean async;

	/**
	 * Callers of the same group this caller wakes once it is woken itself (waiting
	 * requests only; set by the writer before it wakes the first of the group).
	 */
	private @Nullable WriteRequest<?> wakeFirst;

	private @Nullable WriteRequest<?> wakeSecond;

	/** Whether the caller stopped waiting before it was woken (interrupted). */
	private volatile boolean abandoned;

	R result;

	RuntimeException failure;

	/**
	 * Whether the writer has handed this request its outcome (its future may still wait
	 * to be completed: by another caller, or on the completion thread).
	 */
	boolean finished;

	protected WriteRequest(boolean async) {
		this.async = async;
		this.future = async ? new CompletableFuture<>() : new HandOff<>(this);
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

	/**
	 * The callers this one wakes once woken: set before the group's first is woken.
	 */
	void wakeAfter(@Nullable WriteRequest<?> first, @Nullable WriteRequest<?> second) {
		this.wakeFirst = first;
		this.wakeSecond = second;
	}

	/**
	 * Wakes this request's caller, and the callers it was to wake if it no longer waits
	 * to do so itself.
	 */
	void wake() {
		if (!this.future.isDone()) {
			waking();
		}
		complete();
		if (this.abandoned) {
			wakeOthers();
		}
	}

	/**
	 * Called on the thread about to wake this request's caller (for tests: which thread
	 * that is).
	 */
	protected void waking() {
	}

	/** Wakes the callers this one was to wake. */
	private void wakeOthers() {
		WriteRequest<?> first = this.wakeFirst;
		WriteRequest<?> second = this.wakeSecond;
		this.wakeFirst = null;
		this.wakeSecond = null;
		if (first != null) {
			first.wake();
		}
		if (second != null) {
			second.wake();
		}
	}

	/**
	 * The caller's wait ended: it wakes the others if its request is done, else it leaves
	 * them to whoever completes it. Either that one sees the mark, or this sees the
	 * completion, or both (waking twice does nothing more).
	 */
	private void waitEnded() {
		if (!this.future.isDone()) {
			this.abandoned = true;
			if (!this.future.isDone()) {
				return;
			}
		}
		wakeOthers();
	}

	void complete() {
		if (this.failure != null) {
			this.future.completeExceptionally(this.failure);
		}
		else {
			this.future.complete(this.result);
		}
	}

	/**
	 * The future a waiting caller waits on: once its wait returns, the caller wakes the
	 * next callers of its group ({@link GroupCommitWriter} arranges them in a tree), so
	 * the writer wakes two callers instead of the whole group and goes on to the next
	 * commit while the others wake each other, on the cores the writer does not use. A
	 * caller that stops waiting early (interrupted) leaves the others to whoever
	 * completes its request.
	 */
	private static final class HandOff<R> extends CompletableFuture<R> {

		private final WriteRequest<R> request;

		HandOff(WriteRequest<R> request) {
			this.request = request;
		}

		@Override
		public R get() throws InterruptedException, ExecutionException {
			try {
				return super.get();
			}
			finally {
				waitEnded();
			}
		}

		@Override
		public R get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
			try {
				return super.get(timeout, unit);
			}
			finally {
				waitEnded();
			}
		}

		@Override
		public R join() {
			try {
				return super.join();
			}
			finally {
				waitEnded();
			}
		}

		private void waitEnded() {
			this.request.waitEnded();
		}

		@Override
		public <U> CompletableFuture<U> newIncompleteFuture() {
			return new CompletableFuture<>();
		}

	}

}

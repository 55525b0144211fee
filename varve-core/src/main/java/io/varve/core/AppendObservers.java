package io.varve.core;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

import io.varve.StreamAppend;

/**
 * Times appends and tells the {@link AppendObserver}s how each ended. With no observer it
 * adds nothing to the append path.
 */
final class AppendObservers {

	private static final System.Logger LOG = System.getLogger(AppendObservers.class.getName());

	private final List<AppendObserver> observers = new CopyOnWriteArrayList<>();

	void add(AppendObserver observer) {
		this.observers.add(observer);
	}

	/**
	 * Runs a waiting append and reports it.
	 * @param <T> the result type
	 * @param events the events (or transaction parts), for the count
	 * @param append the append
	 * @return its result
	 */
	<T> T observe(List<?> events, Supplier<T> append) {
		if (this.observers.isEmpty()) {
			return append.get();
		}
		long started = System.nanoTime();
		try {
			T result = append.get();
			report(null, events, started);
			return result;
		}
		catch (RuntimeException | Error ex) {
			report(ex, events, started);
			throw ex;
		}
	}

	/**
	 * Starts an asynchronous append and reports it when it completes.
	 * @param <T> the result type
	 * @param events the events (or transaction parts), for the count
	 * @param append the append
	 * @return a future with the append's own outcome
	 */
	<T> CompletableFuture<T> observeAsync(List<?> events, Supplier<CompletableFuture<T>> append) {
		if (this.observers.isEmpty()) {
			return append.get();
		}
		long started = System.nanoTime();
		CompletableFuture<T> future;
		try {
			future = append.get();
		}
		catch (RuntimeException ex) {
			report(ex, events, started);
			throw ex;
		}
		// A fresh future completed with the raw outcome, so that callers see the same
		// exceptions as without observers (whenComplete would wrap them).
		CompletableFuture<T> observed = new CompletableFuture<>();
		future.whenComplete((result, failure) -> {
			report(failure, events, started);
			if (failure != null) {
				observed.completeExceptionally(failure);
			}
			else {
				observed.complete(result);
			}
		});
		return observed;
	}

	private void report(Throwable failure, List<?> events, long started) {
		long nanos = System.nanoTime() - started;
		AppendObserver.Outcome outcome = AppendObserver.Outcome.of(failure);
		int count = countEvents(events);
		for (AppendObserver observer : this.observers) {
			try {
				observer.appended(outcome, count, nanos);
			}
			catch (RuntimeException ex) {
				LOG.log(Level.WARNING, "An append observer failed", ex);
			}
		}
	}

	private static int countEvents(List<?> items) {
		if (items == null) {
			return 0;
		}
		int count = 0;
		for (Object item : items) {
			count += (item instanceof StreamAppend part) ? part.events().size() : 1;
		}
		return count;
	}

}

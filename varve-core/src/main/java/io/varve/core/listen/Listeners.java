package io.varve.core.listen;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

import io.varve.EventData;
import io.varve.RecordedEvent;
import io.varve.StreamAppend;
import io.varve.Varve;
import io.varve.VarveListener;
import io.varve.VarveListener.AppendEnd;
import io.varve.VarveListener.AppendScope;
import io.varve.VarveListener.AppendStart;
import io.varve.VarveListener.HandlerScope;
import io.varve.VarveListener.HandlerStart;
import io.varve.VarveListener.Outcome;
import io.varve.WrongExpectedVersionException;
import io.varve.core.write.CommitListener;

/**
 * Tells a store's {@link VarveListener}s what happens, each in turn, and keeps a
 * listener's failure from failing the work it was told about. With no listener every
 * method returns at once: nothing is timed or allocated.
 */
public final class Listeners implements CommitListener {

	private static final System.Logger LOG = System.getLogger(Listeners.class.getName());

	/** No listeners. */
	public static final Listeners NONE = new Listeners(List.of());

	private final List<VarveListener> listeners;

	/**
	 * Creates the fan-out of some listeners.
	 * @param listeners the listeners, in the order they are told
	 */
	public Listeners(List<VarveListener> listeners) {
		this.listeners = List.copyOf(listeners);
	}

	/** Whether there is no listener. */
	public boolean isEmpty() {
		return this.listeners.isEmpty();
	}

	public void opened(Varve varve) {
		for (VarveListener listener : this.listeners) {
			try {
				listener.opened(varve);
			}
			catch (RuntimeException ex) {
				failed("opened", ex);
			}
		}
	}

	/**
	 * Runs a waiting append inside its listeners' scopes.
	 * @param <T> the result type
	 * @param start what is appended
	 * @param append the append, given the metadata entries to add to its events
	 * @return its result
	 */
	public <T> T observe(AppendStart start, Function<Map<String, String>, T> append) {
		Started started = start(start);
		try {
			T result = append.apply(started.metadata());
			started.end(null, start.events());
			return result;
		}
		catch (RuntimeException | Error ex) {
			started.end(ex, start.events());
			throw ex;
		}
	}

	/**
	 * Starts an asynchronous append inside its listeners' scopes, which end when it
	 * completes.
	 * @param <T> the result type
	 * @param start what is appended
	 * @param append the append, given the metadata entries to add to its events
	 * @return a future with the append's own outcome
	 */
	public <T> CompletableFuture<T> observeAsync(AppendStart start,
			Function<Map<String, String>, CompletableFuture<T>> append) {
		Started started = start(start);
		CompletableFuture<T> future;
		try {
			future = append.apply(started.metadata());
		}
		catch (RuntimeException | Error ex) {
			started.end(ex, start.events());
			throw ex;
		}
		// A fresh future completed with the raw outcome, so that callers see the same
		// exceptions as without listeners (whenComplete would wrap them).
		CompletableFuture<T> observed = new CompletableFuture<>();
		future.whenComplete((result, failure) -> {
			started.end(failure, start.events());
			if (failure != null) {
				observed.completeExceptionally(failure);
			}
			else {
				observed.complete(result);
			}
		});
		return observed;
	}

	private Started start(AppendStart start) {
		long began = System.nanoTime();
		List<AppendScope> scopes = new ArrayList<>(this.listeners.size());
		for (VarveListener listener : this.listeners) {
			try {
				AppendScope scope = listener.appendStarted(start);
				if (scope != null && scope != AppendScope.NONE) {
					scopes.add(scope);
				}
			}
			catch (RuntimeException ex) {
				failed("appendStarted", ex);
			}
		}
		return new Started(scopes, began);
	}

	@Override
	public void committed(Commit commit) {
		VarveListener.Commit told = new VarveListener.Commit(commit.headPosition(), commit.events(), commit.requests(),
				commit.failures(), commit.nanos(), commit.applyNanos());
		for (VarveListener listener : this.listeners) {
			try {
				listener.committed(told);
			}
			catch (RuntimeException ex) {
				failed("committed", ex);
			}
		}
	}

	/**
	 * Opens the listeners' scopes around one handler invocation.
	 * @param processor the processor's name
	 * @param event the event
	 * @return the scope to end when the handler returns or throws
	 */
	public HandlerScope handlerStarted(String processor, RecordedEvent event) {
		if (this.listeners.isEmpty()) {
			return HandlerScope.NONE;
		}
		HandlerStart start = new HandlerStart(processor, event);
		List<HandlerScope> scopes = new ArrayList<>(this.listeners.size());
		for (VarveListener listener : this.listeners) {
			try {
				HandlerScope scope = listener.handlerStarted(start);
				if (scope != null && scope != HandlerScope.NONE) {
					scopes.add(scope);
				}
			}
			catch (RuntimeException ex) {
				failed("handlerStarted", ex);
			}
		}
		if (scopes.isEmpty()) {
			return HandlerScope.NONE;
		}
		return (failure) -> {
			// Scopes close in the reverse order they opened, as nested scopes do.
			for (int i = scopes.size() - 1; i >= 0; i--) {
				try {
					scopes.get(i).ended(failure);
				}
				catch (RuntimeException ex) {
					failed("HandlerScope.ended", ex);
				}
			}
		};
	}

	/**
	 * Tells the listeners a processor was registered.
	 * @param name the processor's name
	 */
	public void processorRegistered(String name) {
		for (VarveListener listener : this.listeners) {
			try {
				listener.processorRegistered(name);
			}
			catch (RuntimeException ex) {
				failed("processorRegistered", ex);
			}
		}
	}

	/**
	 * What an append starts with: its streams and event count, read without checking (bad
	 * input is refused later, and reported to the listeners as an error).
	 * @param stream the stream
	 * @param events the events
	 * @param async whether the caller goes on
	 * @return the start
	 */
	public static AppendStart appendStart(String stream, List<EventData> events, boolean async) {
		return new AppendStart(Collections.singletonList(stream), (events != null) ? events.size() : 0, false, async);
	}

	/**
	 * What a transaction starts with.
	 * @param appends the transaction's parts
	 * @param async whether the caller goes on
	 * @return the start
	 */
	public static AppendStart transactionStart(List<StreamAppend> appends, boolean async) {
		if (appends == null) {
			return new AppendStart(List.of(), 0, true, async);
		}
		List<String> streams = new ArrayList<>(appends.size());
		int events = 0;
		for (StreamAppend part : appends) {
			if (part != null) {
				streams.add(part.stream());
				events += part.events().size();
			}
		}
		return new AppendStart(Collections.unmodifiableList(streams), events, true, async);
	}

	public static Outcome outcomeOf(Throwable failure) {
		if (failure == null) {
			return Outcome.SUCCESS;
		}
		Throwable cause = (failure instanceof CompletionException && failure.getCause() != null) ? failure.getCause()
				: failure;
		return (cause instanceof WrongExpectedVersionException) ? Outcome.CONFLICT : Outcome.ERROR;
	}

	private static void failed(String method, RuntimeException ex) {
		LOG.log(Level.WARNING, "A VarveListener failed in " + method + "; the store goes on", ex);
	}

	/** The scopes of one append that started. */
	private static final class Started {

		private final List<AppendScope> scopes;

		private final long began;

		Started(List<AppendScope> scopes, long began) {
			this.scopes = scopes;
			this.began = began;
		}

		Map<String, String> metadata() {
			Map<String, String> entries = null;
			for (AppendScope scope : this.scopes) {
				Map<String, String> more;
				try {
					more = scope.metadata();
				}
				catch (RuntimeException ex) {
					failed("AppendScope.metadata", ex);
					continue;
				}
				if (more != null && !more.isEmpty()) {
					if (entries == null) {
						entries = new LinkedHashMap<>();
					}
					more.forEach(entries::putIfAbsent);
				}
			}
			return (entries != null) ? entries : Map.of();
		}

		void end(Throwable failure, int events) {
			Throwable cause = (failure instanceof CompletionException && failure.getCause() != null)
					? failure.getCause() : failure;
			AppendEnd end = new AppendEnd(outcomeOf(cause), events, System.nanoTime() - this.began, cause);
			for (int i = this.scopes.size() - 1; i >= 0; i--) {
				try {
					this.scopes.get(i).ended(end);
				}
				catch (RuntimeException ex) {
					failed("AppendScope.ended", ex);
				}
			}
		}

	}

}

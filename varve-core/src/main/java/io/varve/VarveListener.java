package io.varve;

import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * Told what a store does, for metrics, tracing and logs: appends from start to end, group
 * commits, handler invocations of processors, processors registered. Registered on the
 * builder ({@link VarveBuilder#listener(VarveListener)}; with Spring Boot, every
 * {@code VarveListener} bean), so it sees the store from its first append. Every method
 * has an empty default: implement what you need.
 * <p>
 * Listeners run on the store's own threads, inside its hot paths: keep them quick and
 * never block. An exception from a listener is logged and ignored; it never fails the
 * work it was told about. With no listener registered, the store does no work for them.
 *
 * <pre>{@code
 * Varve varve = Varve.builder()
 *     .path(path)
 *     .listener(new VarveListener() {
 *         public void committed(Commit commit) {
 *             System.out.println(commit.events() + " events in one commit");
 *         }
 *     })
 *     .open();
 * }</pre>
 */
public interface VarveListener {

	/**
	 * The store is open; called once, before {@link Varve#open} returns it.
	 * @param varve the store
	 */
	default void opened(Varve varve) {
	}

	/**
	 * An append or transaction begins, on the caller's thread, before its events are
	 * checked or encoded. The scope returned is told how it ended, and the metadata
	 * entries it gives are added to the metadata of every event of the append (the way a
	 * trace context travels from the request that appended an event to the processors
	 * that handle it).
	 * @param append what is appended
	 * @return the scope of this append, or {@link AppendScope#NONE}
	 */
	default AppendScope appendStarted(AppendStart append) {
		return AppendScope.NONE;
	}

	/**
	 * A group of appends committed, on the thread that committed it.
	 * @param commit what was committed
	 */
	default void committed(Commit commit) {
	}

	/**
	 * A processor's handler is about to handle an event, on the processor's thread; the
	 * scope returned is ended on the same thread right after the handler returns or
	 * throws, so it may set thread-local context (a current span, a logging context) for
	 * the handler's code.
	 * @param handling the processor and the event
	 * @return the scope of this invocation, or {@link HandlerScope#NONE}
	 */
	default HandlerScope handlerStarted(HandlerStart handling) {
		return HandlerScope.NONE;
	}

	/**
	 * A processor was registered with the store's {@link Varve#processors() registry}.
	 * @param name the processor's name
	 */
	default void processorRegistered(String name) {
	}

	/**
	 * An append or transaction that begins.
	 *
	 * @param streams the streams appended to, in the order given (unmodifiable; a name is
	 * as the caller gave it, not yet checked)
	 * @param events the number of events
	 * @param transaction whether it is a {@link Varve#transaction transaction} (appends
	 * to several streams that commit together)
	 * @param async whether the caller goes on while it commits
	 * ({@link Varve#appendAsync}); its scope then ends on another thread
	 */
	record AppendStart(List<@Nullable String> streams, int events, boolean transaction, boolean async) {

	}

	/** The scope of one append, from {@link #appendStarted} to its end. */
	interface AppendScope {

		/** A scope that adds nothing and ignores the end. */
		AppendScope NONE = (end) -> {
		};

		/**
		 * Entries to add to every event's metadata (for example a trace context). An
		 * event whose metadata already has an entry of that name keeps its own.
		 * @return the entries, empty for none
		 */
		default Map<String, String> metadata() {
			return Map.of();
		}

		/**
		 * The append ended: committed durably as the store's durability promises, or
		 * failed. For an asynchronous append, this runs on the thread that completes its
		 * future.
		 * @param end how it ended
		 */
		void ended(AppendEnd end);

	}

	/**
	 * How an append ended.
	 *
	 * @param outcome success, conflict or error
	 * @param events the events it carried (0 when it was refused before they were
	 * counted)
	 * @param nanos time from the call to the end
	 * @param failure the exception, or null when it succeeded
	 */
	record AppendEnd(Outcome outcome, int events, long nanos, @Nullable Throwable failure) {

	}

	/** How an append ended. */
	enum Outcome {

		/** Written (or found already written by an idempotent retry). */
		SUCCESS,

		/** Refused by the optimistic concurrency check. */
		CONFLICT,

		/**
		 * Refused for any other reason: bad input, duplicate ids, store full, closed...
		 */
		ERROR

	}

	/**
	 * One group commit: the appends that one storage transaction wrote.
	 *
	 * @param headPosition the head position after the commit
	 * @param events events appended by the group (0 for a commit that carried only
	 * processor checkpoints)
	 * @param requests appends and transactions that succeeded in the group
	 * @param failures appends and transactions of the group that failed their own checks
	 * @param nanos time from the start of the transaction to the end of the commit
	 * @param applyNanos the part of {@code nanos} spent writing the appends, before the
	 * storage commit (and its device flushes) began
	 */
	record Commit(long headPosition, int events, int requests, int failures, long nanos, long applyNanos) {

	}

	/**
	 * A handler invocation that begins.
	 *
	 * @param processor the processor's name
	 * @param event the event to handle
	 */
	record HandlerStart(String processor, RecordedEvent event) {

	}

	/** The scope of one handler invocation. */
	interface HandlerScope {

		/** A scope that ignores the end. */
		HandlerScope NONE = (failure) -> {
		};

		/**
		 * The handler returned or threw.
		 * @param failure what it threw, or null when it returned
		 */
		void ended(@Nullable Throwable failure);

	}

}

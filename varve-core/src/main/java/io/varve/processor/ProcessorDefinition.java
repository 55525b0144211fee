package io.varve.processor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import io.varve.EventFilter;
import io.varve.InvalidArgumentException;
import io.varve.core.codec.EventTypeRegistry;
import io.varve.core.codec.Names;

/**
 * Everything that makes a processor: its name, which events it sees, how it handles them
 * and what it does on errors. Immutable; built and checked by {@link #builder}.
 *
 * <pre>{@code
 * ProcessorDefinition balances = ProcessorDefinition.builder("balances")
 *     .filter(EventFilter.categories("account"))
 *     .decodes(Deposited.class, Withdrawn.class)
 *     .errorPolicy(ErrorPolicy.PARK)
 *     .retryPolicy(RetryPolicy.of(5, Duration.ofMillis(100), Duration.ofSeconds(5), 2.0))
 *     .handler((event, context) -> ...)
 *     .onReset((projections, from) -> projections.clear("balances"))
 *     .build();
 * varve.processors().register(balances);
 * varve.processors().start("balances");
 * }</pre>
 */
public final class ProcessorDefinition {

	/** Default events per batch (per transaction). */
	public static final int DEFAULT_BATCH_SIZE = 500;

	/** Largest batch. */
	public static final int MAX_BATCH_SIZE = 100_000;

	/**
	 * Default time without progress, while behind, after which a processor is STALLED.
	 */
	public static final Duration DEFAULT_STALL_TIMEOUT = Duration.ofMinutes(1);

	/** Most events a {@link ErrorPolicy#PARK_STREAM} processor holds back by default. */
	public static final int DEFAULT_MAX_HELD_EVENTS = 10_000;

	private final String name;

	private final EventFilter filter;

	private final int batchSize;

	private final StartPosition startPosition;

	private final ErrorPolicy errorPolicy;

	private final RetryPolicy retryPolicy;

	private final Duration stallTimeout;

	private final EventHandler handler;

	private final @Nullable ResetCallback resetCallback;

	private final List<Class<?>> eventTypes;

	private final boolean asStored;

	private final boolean receiveDeletions;

	private final boolean receivesShredded;

	private final @Nullable BatchBarrier barrier;

	private final int maxHeldEvents;

	private final int concurrency;

	private ProcessorDefinition(Builder builder) {
		this.name = builder.name;
		this.filter = builder.filter;
		this.batchSize = builder.batchSize;
		this.startPosition = builder.startPosition;
		this.errorPolicy = builder.errorPolicy;
		this.retryPolicy = builder.retryPolicy;
		this.stallTimeout = builder.stallTimeout;
		this.handler = builder.handler;
		this.resetCallback = builder.resetCallback;
		this.eventTypes = List.copyOf(builder.eventTypes);
		this.asStored = builder.asStored;
		this.receiveDeletions = builder.receiveDeletions;
		this.receivesShredded = builder.receivesShredded;
		this.barrier = builder.barrier;
		this.maxHeldEvents = builder.maxHeldEvents;
		this.concurrency = builder.concurrency;
	}

	/**
	 * Starts a definition.
	 * @param name the processor's name, unique in the store (1 to 255 bytes of UTF-8
	 * text)
	 * @return a builder with every other setting at its default
	 */
	public static Builder builder(String name) {
		Names.name("processor name", name);
		return new Builder(name);
	}

	/** The name, unique in the store; the checkpoint is kept under it. */
	public String name() {
		return this.name;
	}

	/** Which events the handler sees; the checkpoint moves past the others too. */
	public EventFilter filter() {
		return this.filter;
	}

	/** Most events handled per transaction. */
	public int batchSize() {
		return this.batchSize;
	}

	/** Where the processor starts when it has no checkpoint yet. */
	public StartPosition startPosition() {
		return this.startPosition;
	}

	/** What happens to an event whose handler still fails after its retries. */
	public ErrorPolicy errorPolicy() {
		return this.errorPolicy;
	}

	/** How failed events are retried. */
	public RetryPolicy retryPolicy() {
		return this.retryPolicy;
	}

	/** Time without progress, while behind, after which the processor is STALLED. */
	public Duration stallTimeout() {
		return this.stallTimeout;
	}

	/** The handler. */
	public EventHandler handler() {
		return this.handler;
	}

	/** The reset callback, or null. */
	public @Nullable ResetCallback resetCallback() {
		return this.resetCallback;
	}

	/** Event classes registered with the store when the processor is registered. */
	public List<Class<?>> eventTypes() {
		return this.eventTypes;
	}

	/**
	 * Whether the handler sees events as they are stored, with no upcaster applied: one
	 * event per position, its stored type, schema version and payload. For processors
	 * that copy the log elsewhere (a forwarder, a replica feed); see
	 * {@link Builder#asStored()}.
	 * @return true when events are not upcast
	 */
	public boolean asStored() {
		return this.asStored;
	}

	/**
	 * Whether the handler receives a record of each deletion
	 * ({@link io.varve.EventsDeleted}) in log order; see
	 * {@link Builder#receiveDeletions()}.
	 * @return true when it does
	 */
	public boolean receiveDeletions() {
		return this.receiveDeletions;
	}

	/**
	 * Whether the handler is given shredded events (of streams forgotten in an encrypted
	 * store); by default they are skipped and the checkpoint moves past them. See
	 * {@link Builder#receiveShredded()}.
	 * @return true when the handler sees them
	 */
	public boolean receivesShredded() {
		return this.receivesShredded;
	}

	/**
	 * What the processor waits for before its checkpoint moves past a batch, or null.
	 * @return the barrier or null
	 */
	public @Nullable BatchBarrier barrier() {
		return this.barrier;
	}

	/**
	 * Most events a {@link ErrorPolicy#PARK_STREAM} processor holds back behind parked
	 * events before it stops.
	 * @return the limit
	 */
	public int maxHeldEvents() {
		return this.maxHeldEvents;
	}

	/**
	 * How many threads handle a batch's events side by side, split by stream; 1 (the
	 * default) handles them one after another on the processor's thread.
	 * @return the number of threads
	 */
	public int concurrency() {
		return this.concurrency;
	}

	/**
	 * A builder preset with this definition's settings, to derive a variant.
	 * @return the builder
	 */
	public Builder toBuilder() {
		Builder builder = new Builder(this.name);
		builder.filter = this.filter;
		builder.batchSize = this.batchSize;
		builder.startPosition = this.startPosition;
		builder.errorPolicy = this.errorPolicy;
		builder.retryPolicy = this.retryPolicy;
		builder.stallTimeout = this.stallTimeout;
		builder.handler = this.handler;
		builder.resetCallback = this.resetCallback;
		builder.eventTypes.addAll(this.eventTypes);
		builder.asStored = this.asStored;
		builder.receiveDeletions = this.receiveDeletions;
		builder.receivesShredded = this.receivesShredded;
		builder.barrier = this.barrier;
		builder.maxHeldEvents = this.maxHeldEvents;
		builder.concurrency = this.concurrency;
		return builder;
	}

	@Override
	public String toString() {
		return "ProcessorDefinition[" + this.name + ", " + this.filter + ", batchSize=" + this.batchSize + ", "
				+ this.startPosition + ", " + this.errorPolicy + ", " + this.retryPolicy + "]";
	}

	/**
	 * Builds a {@link ProcessorDefinition}; every setter checks its argument.
	 */
	public static final class Builder {

		private final String name;

		private EventFilter filter = EventFilter.all();

		private int batchSize = DEFAULT_BATCH_SIZE;

		private StartPosition startPosition = StartPosition.BEGINNING;

		private ErrorPolicy errorPolicy = ErrorPolicy.STOP;

		private RetryPolicy retryPolicy = RetryPolicy.defaults();

		private Duration stallTimeout = DEFAULT_STALL_TIMEOUT;

		private EventHandler handler;

		private @Nullable ResetCallback resetCallback;

		private final List<Class<?>> eventTypes = new ArrayList<>();

		private boolean asStored;

		private boolean receiveDeletions;

		private boolean receivesShredded;

		private @Nullable BatchBarrier barrier;

		private int maxHeldEvents = DEFAULT_MAX_HELD_EVENTS;

		private int concurrency = 1;

		private Builder(String name) {
			this.name = name;
		}

		/**
		 * Which events the handler sees (default: all).
		 * @param filter the filter
		 * @return this builder
		 */
		public Builder filter(EventFilter filter) {
			this.filter = require(filter, "Filter", "use EventFilter.all()");
			return this;
		}

		/**
		 * Most events handled per transaction (default 500).
		 * @param batchSize 1 to 100,000
		 * @return this builder
		 */
		public Builder batchSize(int batchSize) {
			if (batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
				throw new InvalidArgumentException("Batch size of processor '" + this.name + "' must be between 1 and "
						+ MAX_BATCH_SIZE + ", got " + batchSize);
			}
			this.batchSize = batchSize;
			return this;
		}

		/**
		 * Where to start without a checkpoint (default {@link StartPosition#BEGINNING}).
		 * @param startPosition the start position
		 * @return this builder
		 */
		public Builder startPosition(StartPosition startPosition) {
			this.startPosition = require(startPosition, "Start position", "use StartPosition.BEGINNING");
			return this;
		}

		/**
		 * What to do once retries are used up (default {@link ErrorPolicy#STOP}).
		 * @param errorPolicy the policy
		 * @return this builder
		 */
		public Builder errorPolicy(ErrorPolicy errorPolicy) {
			this.errorPolicy = require(errorPolicy, "Error policy", "use ErrorPolicy.STOP");
			return this;
		}

		/**
		 * How to retry failed events (default {@link RetryPolicy#defaults()}).
		 * @param retryPolicy the policy
		 * @return this builder
		 */
		public Builder retryPolicy(RetryPolicy retryPolicy) {
			this.retryPolicy = require(retryPolicy, "Retry policy", "use RetryPolicy.none() for no retries");
			return this;
		}

		/**
		 * Time without progress, while behind, after which the processor is STALLED
		 * (default one minute).
		 * @param stallTimeout a positive duration
		 * @return this builder
		 */
		public Builder stallTimeout(Duration stallTimeout) {
			if (stallTimeout == null || stallTimeout.isZero() || stallTimeout.isNegative()) {
				throw new InvalidArgumentException(
						"Stall timeout of processor '" + this.name + "' must be positive, got " + stallTimeout);
			}
			this.stallTimeout = stallTimeout;
			return this;
		}

		/**
		 * The handler. Required.
		 * @param handler the handler
		 * @return this builder
		 */
		public Builder handler(EventHandler handler) {
			this.handler = require(handler, "Handler", "give the code that handles each event");
			return this;
		}

		/**
		 * A callback run by {@link ProcessorRegistry#reset(String, long)} before the
		 * replay, in the same transaction as the checkpoint change.
		 * @param resetCallback the callback
		 * @return this builder
		 */
		public Builder onReset(ResetCallback resetCallback) {
			this.resetCallback = require(resetCallback, "Reset callback", "leave it unset for none");
			return this;
		}

		/**
		 * Hands the handler events as they are stored: upcasters are not applied, so each
		 * position gives exactly one event with its stored type, schema version and
		 * payload, and an event an upcaster would drop still reaches the handler. For
		 * processors that copy the log elsewhere, where every position must arrive.
		 * @return this builder
		 */
		public Builder asStored() {
			this.asStored = true;
			return this;
		}

		/**
		 * Hands the handler a record of each deletion
		 * ({@link io.varve.Varve#deleteStream}, {@link io.varve.Varve#truncateBefore},
		 * retention): an event of type {@link io.varve.EventsDeleted#TYPE} whose
		 * {@code data()} is an {@link io.varve.EventsDeleted}, at the deletion's
		 * position, in log order with the other events, for each deleted or truncated
		 * stream the filter's categories and streams take (its event types do not apply).
		 * Typical use: delete a stream's row of a projection. Without this a deleted
		 * event is simply absent.
		 * @return this builder
		 */
		public Builder receiveDeletions() {
			this.receiveDeletions = true;
			return this;
		}

		/**
		 * Hands the handler shredded events too: events of streams forgotten with
		 * {@link io.varve.Varve#forget(String)}, whose envelope (id, type, stream,
		 * version, position) reads but whose payload and metadata throw
		 * {@link io.varve.EventShreddedException}. By default a processor skips them (its
		 * checkpoint moves past them), so that a handler written for readable events
		 * never meets one; a processor that must see every position (to forget the
		 * stream's projection rows, say) asks for them here.
		 *
		 * <pre>{@code
		 * ProcessorDefinition.builder("customer-view")
		 *     .receiveShredded()
		 *     .handler((event, context) -> {
		 *         if (event.isShredded()) {
		 *             context.projections().delete("customers", event.stream());
		 *         }
		 *     })
		 *     .build();
		 * }</pre>
		 * @return this builder
		 */
		public Builder receiveShredded() {
			this.receivesShredded = true;
			return this;
		}

		/**
		 * Sets what the processor waits for before its checkpoint moves past a batch.
		 * @param barrier the barrier
		 * @return this builder
		 */
		public Builder barrier(BatchBarrier barrier) {
			this.barrier = require(barrier, "Batch barrier", "leave it unset for none");
			return this;
		}

		/**
		 * Most events a {@link ErrorPolicy#PARK_STREAM} processor holds back behind
		 * parked events (default {@value ProcessorDefinition#DEFAULT_MAX_HELD_EVENTS});
		 * one more stops it ({@link ProcessorState#FAILED}) with a message naming the
		 * streams.
		 * @param maxHeldEvents the limit, at least 1
		 * @return this builder
		 */
		public Builder maxHeldEvents(int maxHeldEvents) {
			if (maxHeldEvents < 1) {
				throw new InvalidArgumentException(
						"Most held events of processor '" + this.name + "' must be at least 1, got " + maxHeldEvents);
			}
			this.maxHeldEvents = maxHeldEvents;
			return this;
		}

		/**
		 * Handles each batch's events on this many threads side by side, for handlers
		 * whose work on one stream does not depend on other streams (a projection keyed
		 * by stream, say). Events are split by stream: all of a stream's events in a
		 * batch go to one thread, in order, so per-stream order holds; the batch still
		 * commits as one transaction with the processor's one checkpoint, so the
		 * checkpoint and the lag stay exact and projections exactly once. When two
		 * threads' work on a batch touches the same projection key (one writes what the
		 * other reads or writes), the batch is handled again on one thread, in log order,
		 * before anything commits, so the result is always that of handling the events
		 * one by one. Not for {@link ErrorPolicy#PARK_STREAM} or a {@link BatchBarrier}.
		 * @param concurrency 1 to 64
		 * @return this builder
		 */
		public Builder concurrency(int concurrency) {
			if (concurrency < 1 || concurrency > 64) {
				throw new InvalidArgumentException(
						"Concurrency of processor '" + this.name + "' must be 1 to 64, got " + concurrency);
			}
			this.concurrency = concurrency;
			return this;
		}

		/**
		 * Event classes that the handler decodes; they are registered with the store when
		 * the processor is registered, so that events written by earlier runs decode with
		 * {@link io.varve.RecordedEvent#data()}.
		 * @param types the event classes
		 * @return this builder
		 */
		public Builder decodes(Class<?>... types) {
			if (types == null) {
				throw new InvalidArgumentException("Event classes must not be null");
			}
			for (Class<?> type : types) {
				EventTypeRegistry.nameOf(type);
				this.eventTypes.add(type);
			}
			return this;
		}

		/**
		 * Checks and builds the definition.
		 * @return the definition
		 */
		public ProcessorDefinition build() {
			if (this.handler == null) {
				throw new InvalidArgumentException(
						"Processor '" + this.name + "' has no handler; set one with handler((event, context) -> ...)");
			}
			if (this.concurrency > 1 && this.errorPolicy == ErrorPolicy.PARK_STREAM) {
				throw new InvalidArgumentException(
						"Processor '" + this.name + "' cannot combine concurrency " + this.concurrency
								+ " with PARK_STREAM, which holds streams back in the order of the whole log; "
								+ "use concurrency 1 or another error policy");
			}
			if (this.concurrency > 1 && this.barrier != null) {
				throw new InvalidArgumentException("Processor '" + this.name + "' cannot combine concurrency "
						+ this.concurrency + " with a batch barrier; use concurrency 1");
			}
			return new ProcessorDefinition(this);
		}

		private <T> T require(T value, String what, String hint) {
			if (value == null) {
				throw new InvalidArgumentException(
						what + " of processor '" + this.name + "' must not be null; " + hint);
			}
			return value;
		}

	}

}

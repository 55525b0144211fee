package io.varve.boot;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.stereotype.Component;

import io.varve.processor.ErrorPolicy;
import io.varve.processor.ProcessorDefinition;
import io.varve.processor.RetryPolicy;
import io.varve.processor.StartPosition;

/**
 * Makes a bean a Varve processor: its {@link VarveHandler @VarveHandler} methods receive
 * the store's events in order, from a checkpoint kept in the store, first catching up on
 * the log and then as events are committed. It is a {@link Component @Component}, so
 * component scanning finds it; a bean declared with {@code @Bean} works too.
 *
 * <pre class="code">
 * &#64;VarveProcessor(categories = "account", errorPolicy = ErrorPolicy.PARK)
 * class Balances {
 *
 *     &#64;VarveHandler
 *     void on(Deposited deposited, RecordedEvent event, ProjectionStore store) {
 *         long balance = store.get("balances", event.stream(), Long.class).orElse(0L);
 *         store.put("balances", event.stream(), balance + deposited.amount());
 *     }
 *
 *     &#64;VarveReset
 *     void reset(ProjectionStore store) {
 *         store.clear("balances");
 *     }
 *
 * }
 * </pre>
 *
 * Every attribute except the filter can be overridden per processor with properties:
 * {@code varve.processor.<name>.batch-size}, {@code .error-policy},
 * {@code .max-attempts}, {@code .initial-backoff}, {@code .max-backoff},
 * {@code .backoff-multiplier}, {@code .start-position}, {@code .stall-timeout} and
 * {@code .enabled}. Duration attributes take values such as {@code 500ms} or {@code 10s}
 * and {@code ${...}} placeholders.
 *
 * @see io.varve.processor.ProcessorRegistry
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Component
public @interface VarveProcessor {

	/**
	 * The processor's name, under which its checkpoint is stored; default: the bean name.
	 * Renaming a processor starts it afresh.
	 * @return the name
	 */
	String name() default "";

	/**
	 * Stream categories whose events the processor sees (with {@link #streams()}:
	 * either).
	 * @return the categories; none for all
	 */
	String[] categories() default {};

	/**
	 * Exact streams whose events the processor sees.
	 * @return the stream names; none for all
	 */
	String[] streams() default {};

	/**
	 * Event type names the processor sees; default: the types its handlers take, unless a
	 * handler takes {@code RecordedEvent} alone or an open supertype.
	 * @return the type names
	 */
	String[] eventTypes() default {};

	/**
	 * Most events handled per transaction.
	 * @return the batch size
	 */
	int batchSize() default ProcessorDefinition.DEFAULT_BATCH_SIZE;

	/**
	 * Where the processor starts when it has no checkpoint yet.
	 * @return the start position
	 */
	StartPosition startPosition() default StartPosition.BEGINNING;

	/**
	 * What happens to an event whose handler still fails after the retries.
	 * @return the policy
	 */
	ErrorPolicy errorPolicy() default ErrorPolicy.STOP;

	/**
	 * Total attempts at a failing event (1 means no retry).
	 * @return the attempts
	 */
	int maxAttempts() default RetryPolicy.DEFAULT_MAX_ATTEMPTS;

	/**
	 * Wait before the first retry.
	 * @return a duration such as {@code 100ms}
	 */
	String initialBackoff() default "100ms";

	/**
	 * Longest wait between retries.
	 * @return a duration such as {@code 10s}
	 */
	String maxBackoff() default "10s";

	/**
	 * Growth of the wait per retry.
	 * @return the multiplier, 1.0 or more
	 */
	double backoffMultiplier() default RetryPolicy.DEFAULT_MULTIPLIER;

	/**
	 * Time without progress, while behind, after which the processor is STALLED.
	 * @return a duration such as {@code 1m}
	 */
	String stallTimeout() default "1m";

	/**
	 * Most events held back behind parked events under {@link ErrorPolicy#PARK_STREAM};
	 * one more stops the processor.
	 * @return the limit, at least 1
	 */
	int maxHeldEvents() default ProcessorDefinition.DEFAULT_MAX_HELD_EVENTS;

	/**
	 * Threads that handle each batch's events side by side, split by stream (each
	 * stream's events on one thread, in order); for handlers whose work on one stream
	 * does not depend on other streams. The batch still commits as one transaction with
	 * the checkpoint. See {@link ProcessorDefinition.Builder#concurrency(int)}.
	 * @return 1 to 64
	 */
	int concurrency() default 1;

	/**
	 * Whether the processor receives a record of each deletion (an
	 * {@link io.varve.EventsDeleted} at the deletion's position) to handle with a
	 * {@code @VarveHandler} method taking {@code EventsDeleted}, for example to delete a
	 * stream's projection row. A processor with such a method receives them without this.
	 * See {@link ProcessorDefinition.Builder#receiveDeletions()}.
	 */
	boolean deletions() default false;

	/**
	 * Whether the processor receives shredded events (of streams forgotten with
	 * {@code Varve.forget} in an encrypted store), for example to delete a forgotten
	 * customer's projection row. They go to the {@code @VarveHandler} methods taking
	 * {@link io.varve.RecordedEvent} (check {@code isShredded()}), which such a processor
	 * must have; methods taking an event class never see them, since a shredded event has
	 * no data. By default they are skipped and the checkpoint moves past them. See
	 * {@link ProcessorDefinition.Builder#receiveShredded()}.
	 */
	boolean shredded() default false;

}

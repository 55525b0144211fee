package io.varve.boot;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method of a {@link VarveProcessor @VarveProcessor} bean that handles events.
 *
 * <p>
 * Its parameters, in any order:
 * <ul>
 * <li>the event: the handler receives events of that class and its subclasses (an
 * interface or sealed supertype works too); when several handlers match, the one with the
 * most specific type is called;</li>
 * <li>optionally {@link io.varve.RecordedEvent} for the envelope: position, stream, id,
 * metadata;</li>
 * <li>optionally {@link io.varve.processor.ProjectionStore} (writes commit with the
 * checkpoint, exactly once) and/or {@link io.varve.processor.ProcessorContext}.</li>
 * </ul>
 * A method that takes {@code RecordedEvent} and no event receives every event that passes
 * the processor's filter, including those that a typed handler also receives.
 *
 * <pre class="code">
 * &#64;VarveHandler
 * void on(Deposited deposited, RecordedEvent event, ProjectionStore store) { ... }
 *
 * &#64;VarveHandler
 * void audit(RecordedEvent event) { ... }
 * </pre>
 *
 * Throwing fails the event: it is retried, then parked or the processor stops, as the
 * processor's error policy says.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface VarveHandler {

}

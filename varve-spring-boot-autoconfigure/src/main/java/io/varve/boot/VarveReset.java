package io.varve.boot;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the method of a {@link VarveProcessor @VarveProcessor} bean called when the
 * processor is reset to replay events ({@code ProcessorRegistry.reset(name, position)}),
 * so that its projection can drop the state built from them. Its writes commit in the
 * same transaction as the checkpoint change. At most one per processor.
 *
 * <p>
 * Parameters, all optional: {@link io.varve.processor.ProjectionStore} and a {@code long}
 * that receives the first position to be handled again.
 *
 * <pre class="code">
 * &#64;VarveReset
 * void reset(ProjectionStore store, long fromPosition) {
 *     store.clear("balances");
 * }
 * </pre>
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface VarveReset {

}

package io.varve.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

import io.varve.Durability;

/**
 * A fresh Varve store in a temporary directory for a test, closed and deleted after it.
 * On a test class it enables {@link VarveExtension} and sets how stores are made; on a
 * field of type {@link io.varve.Varve} it asks for the store to be put there (parameters
 * of type {@code Varve} and {@link VarveTester} are resolved either way).
 *
 * <pre class="code">
 * &#64;VarveStore
 * class AccountTests {
 *
 *     &#64;Test
 *     void depositsAddUp(Varve varve) {
 *         varve.append("account-1", ExpectedVersion.noStream(), new Deposited(100));
 *         VarveAssertions.assertThat(varve).stream("account-1").hasVersion(1);
 *     }
 * }
 * </pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.TYPE, ElementType.FIELD })
@ExtendWith(VarveExtension.class)
public @interface VarveStore {

	/**
	 * How commits are made durable. {@link Durability#NO_SYNC} by default: a test's store
	 * is thrown away, so flushing it to the device only slows the test down.
	 * @return the durability
	 */
	Durability durability() default Durability.NO_SYNC;

	/**
	 * Whether one store serves every test of the class (created before the first, deleted
	 * after the last) instead of a fresh one per test.
	 * @return true for one store per class
	 */
	boolean perClass() default false;

	/**
	 * Event classes to register when the store opens (so that events of their types
	 * decode before the test appends any).
	 * @return the classes
	 */
	Class<?>[] eventTypes() default {};

}

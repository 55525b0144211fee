package io.varve.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import io.varve.Durability;

/**
 * Gives a Spring test's application context its own Varve store in a temporary directory
 * ({@code varve.path}), deleted when the context closes, and a {@link VarveTester} bean.
 * {@link VarveTest} includes it; put it on a {@code @SpringBootTest} class to give a full
 * application test its own store, so that contexts cached side by side never collide on
 * one directory's lock.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
public @interface TemporaryVarveStore {

	/**
	 * The names of the {@code @VarveProcessor} beans to start
	 * ({@code varve.processors.only}); empty for all.
	 * @return the processor names
	 */
	String[] processors() default {};

	/**
	 * How the test store makes commits durable: {@link Durability#NO_SYNC} by default.
	 * @return the durability
	 */
	Durability durability() default Durability.NO_SYNC;

}

package io.varve.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.autoconfigure.OverrideAutoConfiguration;
import org.springframework.boot.test.context.filter.annotation.TypeExcludeFilters;
import org.springframework.context.annotation.ComponentScan.Filter;
import org.springframework.core.annotation.AliasFor;
import org.springframework.test.context.BootstrapWith;
import org.springframework.test.context.junit.jupiter.SpringExtension;

import io.varve.Durability;

/**
 * A Spring Boot test slice for code on Varve, in the style of {@code @DataJpaTest}: it
 * starts only Varve's auto-configuration, the application's {@code @VarveProcessor}
 * beans, its {@code Upcaster}, {@code VarveListener} and {@code VarveBuilderCustomizer}
 * beans, and what the test {@code @Import}s, on a fresh store in a temporary directory
 * for each application context (cached contexts never share a directory), deleted when
 * the context closes. A {@link VarveTester} bean waits for processors without sleeping.
 *
 * <pre class="code">
 * &#64;VarveTest
 * class BalancesTests {
 *
 *     &#64;Autowired Varve varve;
 *     &#64;Autowired VarveTester tester;
 *     &#64;Autowired BalanceQueries balances;
 *
 *     &#64;Test
 *     void depositsShowInTheBalance() {
 *         varve.append("account-1", ExpectedVersion.noStream(), new Deposited(100));
 *         tester.awaitProcessors();
 *         assertThat(balances.of("account-1")).isEqualTo(100);
 *     }
 * }
 * </pre>
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@BootstrapWith(VarveTestContextBootstrapper.class)
@ExtendWith(SpringExtension.class)
@OverrideAutoConfiguration(enabled = false)
@TypeExcludeFilters(VarveTypeExcludeFilter.class)
@AutoConfigureVarve
@TemporaryVarveStore
public @interface VarveTest {

	/**
	 * Properties in {@code key=value} form added to the test's environment.
	 * @return the properties
	 */
	String[] properties() default {};

	/**
	 * The names of the {@code @VarveProcessor} beans to start; the others are registered
	 * but not started. Empty (the default) starts them all.
	 * @return the processor names
	 */
	@AliasFor(annotation = TemporaryVarveStore.class)
	String[] processors() default {};

	/**
	 * How the test store makes commits durable: {@link Durability#NO_SYNC} by default.
	 * @return the durability
	 */
	@AliasFor(annotation = TemporaryVarveStore.class)
	Durability durability() default Durability.NO_SYNC;

	/**
	 * Whether the application's components found by scanning are filtered to the slice's
	 * (the default); false includes every scanned component.
	 * @return whether to use the default filters
	 */
	boolean useDefaultFilters() default true;

	/**
	 * More components to include.
	 * @return the include filters
	 */
	Filter[] includeFilters() default {};

	/**
	 * Components to leave out.
	 * @return the exclude filters
	 */
	Filter[] excludeFilters() default {};

}

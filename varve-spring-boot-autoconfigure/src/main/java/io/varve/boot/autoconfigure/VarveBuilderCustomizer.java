package io.varve.boot.autoconfigure;

import io.varve.VarveBuilder;

/**
 * Callback to customize the {@link VarveBuilder} that the auto-configuration uses to open
 * the store, after the {@code varve.*} properties are applied.
 *
 * <pre class="code">
 * &#64;Bean
 * VarveBuilderCustomizer registerLegacyEvents() {
 *     return (builder) -&gt; builder.eventTypes(LegacyDeposited.class);
 * }
 * </pre>
 */
@FunctionalInterface
public interface VarveBuilderCustomizer {

	/**
	 * Customizes the builder.
	 * @param builder the builder
	 */
	void customize(VarveBuilder builder);

}

package io.varve.boot.autoconfigure;

import tools.jackson.dataformat.smile.SmileMapper;

/**
 * Callback to customize the Smile mapper that encodes and decodes events, after Varve's
 * defaults and the application's {@link tools.jackson.databind.JacksonModule
 * JacksonModule} beans are applied. What the mapper writes is what the store keeps, so
 * keep changes readable by the events already stored; never activate default typing
 * (Varve refuses a mapper with it: event classes come from Varve's type registry, never
 * from stored data).
 *
 * <pre class="code">
 * &#64;Bean
 * VarveSmileMapperBuilderCustomizer moneyAsString() {
 *     return (builder) -&gt; builder.addModule(new SimpleModule().addSerializer(Money.class, new MoneySerializer()));
 * }
 * </pre>
 */
@FunctionalInterface
public interface VarveSmileMapperBuilderCustomizer {

	/**
	 * Customizes the builder.
	 * @param builder the builder, with Varve's defaults and the application's modules
	 */
	void customize(SmileMapper.Builder builder);

}

package io.varve.boot.autoconfigure.processor;

import org.springframework.boot.LazyInitializationExcludeFilter;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.annotation.AnnotatedElementUtils;

import io.varve.Varve;
import io.varve.boot.VarveProcessor;
import io.varve.boot.autoconfigure.VarveAutoConfiguration;
import io.varve.boot.autoconfigure.VarveProperties;
import io.varve.processor.ProcessorRegistry;

/**
 * Auto-configuration of Varve processors: exposes the store's {@link ProcessorRegistry}
 * as a bean, finds {@link io.varve.boot.VarveProcessor @VarveProcessor} beans and runs
 * them with the application. {@code varve.processors.enabled=false} keeps them from
 * starting.
 */
@AutoConfiguration(after = VarveAutoConfiguration.class)
@ConditionalOnBean(Varve.class)
public final class VarveProcessorAutoConfiguration {

	@Bean(destroyMethod = "")
	@ConditionalOnMissingBean
	ProcessorRegistry varveProcessorRegistry(Varve varve) {
		return varve.processors();
	}

	/**
	 * Keeps {@code @VarveProcessor} beans eager under
	 * {@code spring.main.lazy-initialization=true}: a processor bean that nothing injects
	 * would otherwise never be created, so never found, and its processor never run. A
	 * bean marked {@code @Lazy} itself stays lazy, as asked.
	 * @return the filter
	 */
	@Bean
	static LazyInitializationExcludeFilter varveProcessorLazyInitializationExcludeFilter() {
		return (beanName, beanDefinition, beanType) -> beanType != null
				&& AnnotatedElementUtils.hasAnnotation(beanType, VarveProcessor.class);
	}

	@Bean
	static VarveProcessorBeanPostProcessor varveProcessorBeanPostProcessor() {
		return new VarveProcessorBeanPostProcessor();
	}

	@Bean
	VarveProcessorLifecycle varveProcessorLifecycle(Varve varve, ProcessorRegistry registry,
			VarveProcessorBeanPostProcessor varveProcessorBeanPostProcessor, VarveProperties properties) {
		return new VarveProcessorLifecycle(varve, registry, varveProcessorBeanPostProcessor,
				properties.getProcessors().isEnabled(), properties.getProcessors().getOnly());
	}

}

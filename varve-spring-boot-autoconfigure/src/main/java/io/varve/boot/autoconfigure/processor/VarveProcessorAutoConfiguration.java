package io.varve.boot.autoconfigure.processor;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import io.varve.Varve;
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

	@Bean
	static VarveProcessorBeanPostProcessor varveProcessorBeanPostProcessor() {
		return new VarveProcessorBeanPostProcessor();
	}

	@Bean
	VarveProcessorLifecycle varveProcessorLifecycle(ProcessorRegistry registry,
			VarveProcessorBeanPostProcessor varveProcessorBeanPostProcessor, VarveProperties properties) {
		return new VarveProcessorLifecycle(registry, varveProcessorBeanPostProcessor,
				properties.getProcessors().isEnabled());
	}

}

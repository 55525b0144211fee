package io.varve.boot.autoconfigure.actuate;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import io.varve.Varve;
import io.varve.boot.autoconfigure.VarveAutoConfiguration;
import io.varve.boot.autoconfigure.processor.VarveProcessorAutoConfiguration;
import io.varve.boot.metrics.VarveMetrics;

/**
 * Auto-configuration of Varve's Micrometer meters ({@code varve.*}). Needs Micrometer on
 * the classpath and a {@link MeterRegistry}; Spring Boot binds the {@link VarveMetrics}
 * bean to it, and the auto-configured store registers it as one of its
 * {@link io.varve.VarveListener listeners}. A store you build yourself needs
 * {@code builder.listener(varveMetrics)} for its append and commit meters.
 */
@AutoConfiguration(after = { VarveAutoConfiguration.class, VarveProcessorAutoConfiguration.class },
		afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@ConditionalOnClass({ MeterRegistry.class, MeterBinder.class })
@ConditionalOnBean({ Varve.class, MeterRegistry.class })
public final class VarveMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	VarveMetrics varveMetrics() {
		return new VarveMetrics();
	}

}

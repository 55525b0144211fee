package io.varve.boot.autoconfigure.actuate;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.varve.Varve;
import io.varve.boot.actuate.VarveHealthIndicator;
import io.varve.boot.autoconfigure.VarveAutoConfiguration;
import io.varve.boot.autoconfigure.processor.VarveProcessorAutoConfiguration;

/**
 * Auto-configuration of the {@code varve} health contributor. Needs Spring Boot's health
 * support on the classpath; {@code management.health.varve.enabled=false} turns it off.
 */
@AutoConfiguration(after = { VarveAutoConfiguration.class, VarveProcessorAutoConfiguration.class },
		afterName = "org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration")
@ConditionalOnClass({ AbstractHealthIndicator.class, ConditionalOnEnabledHealthIndicator.class })
@ConditionalOnBean(Varve.class)
public final class VarveHealthContributorAutoConfiguration {

	/**
	 * The health module's own condition sits on a nested class, evaluated only once the
	 * outer class's condition has found the module.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnEnabledHealthIndicator("varve")
	@EnableConfigurationProperties(VarveHealthProperties.class)
	static class HealthIndicatorConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "varveHealthIndicator")
		VarveHealthIndicator varveHealthIndicator(Varve varve, VarveHealthProperties properties) {
			return new VarveHealthIndicator(varve, properties.getProcessors(), properties.getMaxCapacityUsage());
		}

	}

}

package io.varve.boot.autoconfigure.observation;

import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import io.varve.boot.observation.VarveAppendObservationConvention;
import io.varve.boot.observation.VarveHandlerObservationConvention;
import io.varve.boot.observation.VarveObservations;

/**
 * Auto-configuration of Micrometer observations of appends and handler invocations
 * ({@link VarveObservations}): on when an {@link ObservationRegistry} bean exists (Spring
 * Boot defines one with Actuator), off with {@code varve.observations.enabled=false}. The
 * auto-configured store registers the {@code VarveObservations} bean as a listener.
 */
@AutoConfiguration(
		afterName = "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration")
@ConditionalOnClass(ObservationRegistry.class)
@ConditionalOnBean(ObservationRegistry.class)
@ConditionalOnBooleanProperty(name = "varve.observations.enabled", matchIfMissing = true)
public final class VarveObservationAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	VarveObservations varveObservations(ObservationRegistry registry,
			ObjectProvider<VarveAppendObservationConvention> appendConvention,
			ObjectProvider<VarveHandlerObservationConvention> handlerConvention) {
		return new VarveObservations(registry, appendConvention.getIfUnique(), handlerConvention.getIfUnique());
	}

}

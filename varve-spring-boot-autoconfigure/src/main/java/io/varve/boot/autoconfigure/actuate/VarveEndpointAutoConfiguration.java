package io.varve.boot.autoconfigure.actuate;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.endpoint.expose.EndpointExposure;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.EndpointAccessResolver;
import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.varve.Varve;
import io.varve.boot.actuate.OperationsPage;
import io.varve.boot.actuate.VarveEndpoint;
import io.varve.boot.actuate.VarveEndpointWebExtension;
import io.varve.boot.autoconfigure.VarveAutoConfiguration;
import io.varve.boot.autoconfigure.VarveProperties;
import io.varve.boot.autoconfigure.processor.VarveProcessorAutoConfiguration;

/**
 * Auto-configuration of the {@code varve} Actuator endpoint. Needs Spring Boot Actuator
 * on the classpath and the endpoint exposed
 * ({@code management.endpoints.web.exposure.include=varve}); its write operations are
 * refused until {@code management.endpoint.varve.access=unrestricted}. With
 * {@code varve.ui.enabled=true} the endpoint also serves the operations page at
 * {@code /actuator/varve/ui}.
 */
@AutoConfiguration(after = { VarveAutoConfiguration.class, VarveProcessorAutoConfiguration.class })
@ConditionalOnClass(ConditionalOnAvailableEndpoint.class)
@ConditionalOnBean(Varve.class)
public final class VarveEndpointAutoConfiguration {

	/**
	 * Actuator's own conditions sit on a nested class, evaluated only once the outer
	 * class's condition has found Actuator.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnAvailableEndpoint(VarveEndpoint.class)
	static class EndpointConfiguration {

		@Bean
		@ConditionalOnMissingBean
		VarveEndpoint varveEndpoint(Varve varve, ObjectProvider<VarveProperties> properties) {
			VarveProperties settings = properties.getIfAvailable(VarveProperties::new);
			return new VarveEndpoint(varve, settings.getUi().isShowPayloads());
		}

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnBean(VarveEndpoint.class)
		@ConditionalOnAvailableEndpoint(exposure = EndpointExposure.WEB)
		VarveEndpointWebExtension varveEndpointWebExtension(VarveEndpoint varveEndpoint,
				ObjectProvider<VarveProperties> properties, ObjectProvider<EndpointAccessResolver> accessResolver) {
			VarveProperties settings = properties.getIfAvailable(VarveProperties::new);
			OperationsPage page = null;
			if (settings.getUi().isEnabled()) {
				// The page offers what the endpoint allows: its write operations exist
				// only
				// with unrestricted access.
				EndpointAccessResolver resolver = accessResolver.getIfAvailable();
				boolean writable = resolver != null
						&& resolver.accessFor(EndpointId.of("varve"), Access.READ_ONLY) == Access.UNRESTRICTED;
				page = new OperationsPage(writable, varveEndpoint.showsPayloads());
			}
			return new VarveEndpointWebExtension(varveEndpoint, page);
		}

	}

}

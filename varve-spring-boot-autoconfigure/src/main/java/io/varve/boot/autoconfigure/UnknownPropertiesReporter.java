package io.varve.boot.autoconfigure;

import java.util.Set;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.boot.context.properties.bind.handler.NoUnboundElementsBindHandler;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.UnboundElementsSourceFilter;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;

/**
 * Logs a WARN for each {@code varve.*} key that binds to nothing, naming where it is set
 * and the closest valid key. It is Spring Boot's own check for
 * {@code @ConfigurationProperties(ignoreUnknownFields = false)}, reported instead of
 * failing: a key a newer Varve knows should not stop an application that an older one
 * runs. Like Spring Boot, it leaves environment variables and system properties out,
 * which hold much that is not meant for the application.
 */
final class UnknownPropertiesReporter implements BeanFactoryPostProcessor, EnvironmentAware {

	private static final Log logger = LogFactory.getLog(UnknownPropertiesReporter.class);

	private Environment environment;

	@Override
	public void setEnvironment(Environment environment) {
		this.environment = environment;
	}

	@Override
	public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
		for (ConfigurationProperty property : unbound()) {
			logger.warn("Property '" + property.getName() + "'"
					+ ((property.getOrigin() != null) ? " (" + property.getOrigin() + ")" : "")
					+ " is not a Varve setting and is ignored; did you mean '"
					+ VarvePropertyKeys.closestKey(property.getName()) + "'?");
		}
	}

	private Set<ConfigurationProperty> unbound() {
		BindHandler handler = new NoUnboundElementsBindHandler(BindHandler.DEFAULT, new UnboundElementsSourceFilter());
		try {
			Binder.get(this.environment).bind("varve", Bindable.of(VarveProperties.class), handler);
			return Set.of();
		}
		catch (BindException ex) {
			if (ex.getCause() instanceof UnboundConfigurationPropertiesException unbound) {
				return unbound.getUnboundProperties();
			}
			// A value that does not convert: binding VarveProperties reports it, with
			// Spring Boot's failure analysis. A check for typos never stops a start.
			logger.debug("Cannot check the varve.* keys for typos", ex);
			return Set.of();
		}
	}

}

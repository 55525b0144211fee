package io.varve.boot.autoconfigure.processor;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.boot.context.properties.source.UnboundElementsSourceFilter;
import org.springframework.core.env.Environment;

import io.varve.boot.autoconfigure.VarvePropertyKeys;

/**
 * Logs a WARN for settings under {@code varve.processor.<name>.*} whose name is no
 * {@code @VarveProcessor}'s, with the closest processor name. A warning, not a failure: a
 * profile may configure a processor that only some deployments have. Environment
 * variables and system properties are left out, as Spring Boot does when it looks for
 * unknown keys.
 */
final class UnknownProcessorNamesReporter {

	private static final Log logger = LogFactory.getLog(UnknownProcessorNamesReporter.class);

	private static final ConfigurationPropertyName PREFIX = ConfigurationPropertyName
		.of(ProcessorDefinitionFactory.PREFIX);

	private static final int NAME_ELEMENT = PREFIX.getNumberOfElements();

	private final Environment environment;

	UnknownProcessorNamesReporter(Environment environment) {
		this.environment = environment;
	}

	/**
	 * Warns about the settings of processors that do not exist.
	 * @param processors the names of the {@code @VarveProcessor} beans
	 */
	void report(Collection<String> processors) {
		List<ConfigurationPropertyName> known = processors.stream()
			.map((name) -> ConfigurationPropertyName.adapt(ProcessorDefinitionFactory.PREFIX + "." + name, '.'))
			.toList();
		Map<String, Set<String>> unknown = new LinkedHashMap<>();
		for (ConfigurationPropertyName key : configuredKeys()) {
			if (known.stream().noneMatch((processor) -> processor.isAncestorOf(key))) {
				String name = key.getElement(NAME_ELEMENT, ConfigurationPropertyName.Form.ORIGINAL);
				unknown.computeIfAbsent(name, (n) -> new TreeSet<>()).add(key.toString());
			}
		}
		unknown.forEach((name, keys) -> logger.warn(message(name, keys, processors)));
	}

	private static String message(String name, Set<String> keys, Collection<String> processors) {
		String message = "Properties " + keys + " configure processor '" + name
				+ "', but no @VarveProcessor has that name, so they are ignored; ";
		if (processors.isEmpty()) {
			return message + "there are no @VarveProcessor beans";
		}
		return message + "did you mean '" + VarvePropertyKeys.closest(name, processors) + "'? (processors: "
				+ String.join(", ", processors) + ")";
	}

	private Set<ConfigurationPropertyName> configuredKeys() {
		UnboundElementsSourceFilter filter = new UnboundElementsSourceFilter();
		Set<ConfigurationPropertyName> keys = new TreeSet<>();
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(this.environment)) {
			if (source instanceof IterableConfigurationPropertySource iterable && filter.apply(source)) {
				iterable.filter((name) -> PREFIX.isAncestorOf(name) && name.getNumberOfElements() > NAME_ELEMENT)
					.forEach(keys::add);
			}
		}
		return keys;
	}

}

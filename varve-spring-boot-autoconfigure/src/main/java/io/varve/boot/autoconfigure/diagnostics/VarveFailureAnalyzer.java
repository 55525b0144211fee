package io.varve.boot.autoconfigure.diagnostics;

import java.nio.file.Path;

import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.env.Environment;

import io.varve.VarveException;
import io.varve.boot.autoconfigure.VarveProperties;

/**
 * Base of Varve's failure analyzers: the description is the exception's own message
 * (which says what is wrong, where) under a line of context, followed by the property
 * that chose the store and where it was set, since a store opened from an unexpected
 * working directory or profile is a common cause.
 *
 * @param <T> the exception analyzed
 */
abstract class VarveFailureAnalyzer<T extends VarveException> extends AbstractFailureAnalyzer<T> {

	static final VarveProperties DEFAULTS = new VarveProperties();

	private final Environment environment;

	VarveFailureAnalyzer(Environment environment) {
		this.environment = environment;
	}

	@Override
	protected final FailureAnalysis analyze(Throwable rootFailure, T cause) {
		return new FailureAnalysis(summary(cause) + String.format("%n%n") + cause.getMessage() + setting(cause),
				action(cause), cause);
	}

	/** One line saying what failed, before the exception's message. */
	abstract String summary(T cause);

	/** The property behind the failure, described by {@link #describe}, or empty. */
	String setting(T cause) {
		return describe("varve.path", DEFAULTS.getPath());
	}

	/** What to do, naming the properties to change. */
	abstract String action(T cause);

	/**
	 * Describes a property: its value and where it was set, or its default.
	 * @param key the property
	 * @param defaultValue its default
	 * @return the description, on lines of its own
	 */
	final String describe(String key, Object defaultValue) {
		ConfigurationProperty property = find(ConfigurationPropertyName.of(key));
		Object value = (property != null) ? property.getValue() : defaultValue;
		StringBuilder text = new StringBuilder(String.format("%n%nProperty: %s%nValue: %s", key, value));
		if (key.endsWith(".path")) {
			Path path = Path.of(String.valueOf(value));
			if (!path.isAbsolute()) {
				text.append(String.format(" (absolute: %s)", path.toAbsolutePath()));
			}
		}
		if (property == null) {
			text.append(String.format("%nOrigin: not set, so the default"));
		}
		else if (property.getOrigin() != null) {
			text.append(String.format("%nOrigin: %s", property.getOrigin()));
		}
		return text.toString();
	}

	private ConfigurationProperty find(ConfigurationPropertyName name) {
		if (this.environment == null) {
			return null;
		}
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(this.environment)) {
			ConfigurationProperty property = source.getConfigurationProperty(name);
			if (property != null) {
				return property;
			}
		}
		return null;
	}

}

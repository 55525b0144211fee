package io.varve.boot.autoconfigure.processor;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

import org.springframework.beans.factory.BeanInitializationException;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.env.Environment;

import io.varve.boot.autoconfigure.ProcessorOverrides;
import io.varve.EventFilter;
import io.varve.EventsDeleted;
import io.varve.VarveException;
import io.varve.boot.VarveProcessor;
import io.varve.processor.ProcessorDefinition;
import io.varve.processor.RetryPolicy;

/**
 * Turns a {@code @VarveProcessor} bean into a {@link ProcessorDefinition}: the
 * annotation's attributes, each overridden by {@code varve.processor.<name>.*} when set.
 */
final class ProcessorDefinitionFactory {

	static final String PREFIX = "varve.processor";

	private final Environment environment;

	private final Binder binder;

	ProcessorDefinitionFactory(Environment environment) {
		this.environment = environment;
		this.binder = Binder.get(environment);
	}

	/**
	 * The overrides bound for a processor name.
	 * @param name the processor name
	 * @return the overrides, all null when none are set
	 */
	ProcessorOverrides overrides(String name) {
		ConfigurationPropertyName property = ConfigurationPropertyName.adapt(PREFIX + "." + name, '.');
		return this.binder.bind(property, Bindable.of(ProcessorOverrides.class)).orElseGet(ProcessorOverrides::new);
	}

	/**
	 * Builds the definition of a processor bean.
	 * @param processorBean the processor bean
	 * @param overrides its overrides
	 * @return the definition
	 * @throws BeanInitializationException naming the bean and the bad setting
	 */
	ProcessorDefinition definition(ProcessorBean processorBean, ProcessorOverrides overrides) {
		VarveProcessor annotation = processorBean.annotation();
		String where = "@VarveProcessor bean '" + processorBean.beanName() + "' (processor '" + processorBean.name()
				+ "', properties " + PREFIX + "." + processorBean.name() + ".*)";
		try {
			ProcessorDefinition.Builder builder = ProcessorDefinition.builder(processorBean.name())
				.handler(processorBean.dispatcher())
				.filter(filter(annotation, processorBean))
				.decodes(processorBean.eventClasses().toArray(Class<?>[]::new))
				.batchSize(pick(overrides.getBatchSize(), annotation::batchSize))
				.startPosition(pick(overrides.getStartPosition(), annotation::startPosition))
				.errorPolicy(pick(overrides.getErrorPolicy(), annotation::errorPolicy))
				.retryPolicy(RetryPolicy.of(pick(overrides.getMaxAttempts(), annotation::maxAttempts),
						pick(overrides.getInitialBackoff(), () -> duration(annotation.initialBackoff())),
						pick(overrides.getMaxBackoff(), () -> duration(annotation.maxBackoff())),
						pick(overrides.getBackoffMultiplier(), annotation::backoffMultiplier)))
				.stallTimeout(pick(overrides.getStallTimeout(), () -> duration(annotation.stallTimeout())))
				.maxHeldEvents(pick(overrides.getMaxHeldEvents(), annotation::maxHeldEvents))
				.concurrency(pick(overrides.getConcurrency(), annotation::concurrency));
			if (processorBean.reset() != null) {
				builder.onReset(processorBean.reset());
			}
			if (annotation.deletions() || processorBean.eventClasses().contains(EventsDeleted.class)) {
				builder.receiveDeletions();
			}
			if (annotation.shredded()) {
				if (!processorBean.takesEveryEvent()) {
					throw new IllegalArgumentException(
							"shredded = true, but no @VarveHandler method takes RecordedEvent: "
									+ "shredded events have no data, so only such a method receives them; add one (and check "
									+ "event.isShredded() there) or remove shredded = true");
				}
				builder.receiveShredded();
			}
			return builder.build();
		}
		catch (VarveException | IllegalArgumentException ex) {
			throw new BeanInitializationException("Invalid setting of " + where + ": " + ex.getMessage(), ex);
		}
	}

	private EventFilter filter(VarveProcessor annotation, ProcessorBean processorBean) {
		EventFilter filter = EventFilter.all();
		if (annotation.categories().length > 0) {
			filter = filter.withCategories(resolve(annotation.categories()));
		}
		if (annotation.streams().length > 0) {
			filter = filter.withStreams(resolve(annotation.streams()));
		}
		if (annotation.eventTypes().length > 0) {
			filter = filter.withEventTypes(resolve(annotation.eventTypes()));
		}
		else {
			List<String> derived = processorBean.derivedEventTypes();
			if (derived != null && !derived.isEmpty()) {
				// Events no handler takes are skipped by their envelope, never decoded.
				filter = filter.withEventTypes(derived.toArray(String[]::new));
			}
		}
		return filter;
	}

	private String[] resolve(String[] values) {
		String[] resolved = new String[values.length];
		for (int i = 0; i < values.length; i++) {
			resolved[i] = this.environment.resolveRequiredPlaceholders(values[i]);
		}
		return resolved;
	}

	private Duration duration(String text) {
		String value = this.environment.resolveRequiredPlaceholders(text);
		try {
			return DurationStyle.detectAndParse(value);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException(
					"'" + value + "' is not a duration; write it like 500ms, 10s or 1m, or as ISO-8601 (PT10S)", ex);
		}
	}

	/** The processor name in the annotation, placeholders resolved. */
	String name(VarveProcessor annotation) {
		return this.environment.resolveRequiredPlaceholders(annotation.name());
	}

	private static <T> T pick(T override, Supplier<T> annotated) {
		return (override != null) ? override : annotated.get();
	}

}

package io.varve.boot.autoconfigure;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.springframework.util.ClassUtils;

import io.varve.EventType;

/**
 * Finds {@link EventType @EventType} classes in the application's packages, so that
 * events written by earlier runs decode before this run appends any.
 */
final class EventTypeScanner {

	private final ClassPathScanningCandidateComponentProvider provider;

	private final ClassLoader classLoader;

	EventTypeScanner(Environment environment, ResourceLoader resourceLoader) {
		this.provider = new ClassPathScanningCandidateComponentProvider(false, environment) {
			@Override
			protected boolean isCandidateComponent(
					org.springframework.beans.factory.annotation.AnnotatedBeanDefinition definition) {
				// Records, nested and package-private classes are events too.
				return definition.getMetadata().isIndependent() && !definition.getMetadata().isInterface();
			}
		};
		this.provider.setResourceLoader(resourceLoader);
		this.provider.addIncludeFilter(new AnnotationTypeFilter(EventType.class));
		this.classLoader = resourceLoader.getClassLoader();
	}

	List<Class<?>> scan(Set<String> packages) {
		Set<Class<?>> types = new LinkedHashSet<>();
		for (String basePackage : packages) {
			for (BeanDefinition candidate : this.provider.findCandidateComponents(basePackage)) {
				types.add(ClassUtils.resolveClassName(candidate.getBeanClassName(), this.classLoader));
			}
		}
		return new ArrayList<>(types);
	}

}

package io.varve.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.springframework.beans.factory.support.AbstractBeanDefinition;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.DefaultSingletonBeanRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;
import org.springframework.test.context.TestContextAnnotationUtils;

import io.varve.Durability;

/**
 * Gives the application context of a test class annotated {@link TemporaryVarveStore}
 * (directly, or through {@link VarveTest}) its own store directory and a
 * {@link VarveTester} bean.
 */
final class TemporaryVarveStoreContextCustomizerFactory implements ContextCustomizerFactory {

	@Override
	public ContextCustomizer createContextCustomizer(Class<?> testClass,
			List<ContextConfigurationAttributes> configAttributes) {
		TemporaryVarveStore annotation = TestContextAnnotationUtils.findMergedAnnotation(testClass,
				TemporaryVarveStore.class);
		if (annotation == null) {
			return null;
		}
		return new Customizer(List.of(annotation.processors()), annotation.durability());
	}

	/**
	 * Equal for equal settings, so that contexts are cached as usual; the directory is
	 * made when a context is, so each cached context has its own.
	 */
	private record Customizer(List<String> processors, Durability durability) implements ContextCustomizer {

		@Override
		public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration config) {
			Path directory;
			try {
				directory = Files.createTempDirectory("varve-test-");
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Could not create a temporary directory for the test store", ex);
			}
			Map<String, Object> properties = new LinkedHashMap<>();
			properties.put("varve.path", directory.resolve("store").toString());
			properties.put("varve.durability", this.durability.name().toLowerCase(Locale.ROOT).replace('_', '-'));
			if (!this.processors.isEmpty()) {
				properties.put("varve.processors.only", String.join(",", this.processors));
			}
			context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("varveTestStore", properties));
			// Registered before the store's bean, so destroyed after it has closed.
			if (context.getBeanFactory() instanceof DefaultSingletonBeanRegistry registry) {
				registry.registerDisposableBean("varveTestStoreDirectory", () -> VarveExtension.deleteTree(directory));
			}
			if (context instanceof BeanDefinitionRegistry registry && !registry.containsBeanDefinition("varveTester")) {
				RootBeanDefinition tester = new RootBeanDefinition(VarveTester.class);
				tester.setAutowireMode(AbstractBeanDefinition.AUTOWIRE_CONSTRUCTOR);
				registry.registerBeanDefinition("varveTester", tester);
			}
		}

	}

}

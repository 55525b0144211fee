package io.varve.boot.autoconfigure.actuate;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.varve.ExpectedVersion;
import io.varve.Varve;
import io.varve.processor.ProcessorRegistry;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The starter with neither Actuator, Spring Boot's health support nor Micrometer on the
 * classpath: every auto-configuration of the starter is applied, the operations ones back
 * off, and the store works.
 */
class WithoutOperationsLibrariesTests {

	@TempDir
	Path dir;

	record Noted(String text) {
	}

	@Test
	void theStarterWorksWithoutActuatorHealthOrMicrometer() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(io.varve.boot.autoconfigure.VarveAutoConfiguration.class,
					io.varve.boot.autoconfigure.processor.VarveProcessorAutoConfiguration.class,
					VarveEndpointAutoConfiguration.class, VarveHealthContributorAutoConfiguration.class,
					VarveMetricsAutoConfiguration.class))
			.withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate",
					"org.springframework.boot.health", "io.micrometer"))
			.withPropertyValues("varve.path=" + this.dir, "varve.durability=no-sync",
					"management.endpoints.web.exposure.include=*")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).hasSingleBean(Varve.class);
				assertThat(context).hasSingleBean(ProcessorRegistry.class);
				assertThat(context.getBeanDefinitionNames())
					.noneMatch((name) -> name.toLowerCase(java.util.Locale.ROOT).contains("endpoint")
							|| name.toLowerCase(java.util.Locale.ROOT).contains("health")
							|| name.toLowerCase(java.util.Locale.ROOT).contains("metrics"));
				Varve varve = context.getBean(Varve.class);
				assertThat(varve.append("note-1", ExpectedVersion.noStream(), new Noted("works")).lastPosition())
					.isEqualTo(1);
			});
	}

}

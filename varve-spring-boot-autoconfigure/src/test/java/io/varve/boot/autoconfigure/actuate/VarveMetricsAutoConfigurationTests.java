package io.varve.boot.autoconfigure.actuate;

import java.nio.file.Path;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.varve.ExpectedVersion;
import io.varve.Varve;
import io.varve.boot.autoconfigure.VarveAutoConfiguration;
import io.varve.boot.autoconfigure.processor.VarveProcessorAutoConfiguration;
import io.varve.boot.metrics.VarveMetrics;

import static org.assertj.core.api.Assertions.assertThat;

class VarveMetricsAutoConfigurationTests {

	@TempDir
	Path dir;

	record Noted(String text) {
	}

	private ApplicationContextRunner runner() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(VarveAutoConfiguration.class,
					VarveProcessorAutoConfiguration.class, VarveMetricsAutoConfiguration.class))
			.withPropertyValues("varve.path=" + this.dir, "varve.durability=no-sync");
	}

	private ApplicationContextRunner withMicrometer() {
		return runner().withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
				SimpleMetricsExportAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class));
	}

	@Test
	void bindsVarveMetersToTheMeterRegistry() {
		withMicrometer().run((context) -> {
			assertThat(context).hasSingleBean(VarveMetrics.class);
			context.getBean(Varve.class).append("note-1", ExpectedVersion.any(), new Noted("a"), new Noted("b"));
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.get("varve.head.position").gauge().value()).isEqualTo(2);
			assertThat(registry.get("varve.append").tag("outcome", "success").timer().count()).isEqualTo(1);
			assertThat(registry.get("varve.commit.batch.size").summary().totalAmount()).isEqualTo(2);
		});
	}

	@Test
	void providesNoMetricsWithoutAMeterRegistry() {
		runner().run((context) -> {
			assertThat(context).hasSingleBean(Varve.class);
			assertThat(context).doesNotHaveBean(VarveMetrics.class);
		});
	}

	@Test
	void backsOffWithoutMicrometerOnTheClasspath() {
		runner().withClassLoader(new FilteredClassLoader("io.micrometer")).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(Varve.class);
			assertThat(context).doesNotHaveBean(VarveMetrics.class);
		});
	}

	@Test
	void backsOffWhenTheUserDefinesVarveMetrics() {
		withMicrometer().withBean("myMetrics", VarveMetrics.class, VarveMetrics::new)
			.run((context) -> assertThat(context).getBean(VarveMetrics.class).isSameAs(context.getBean("myMetrics")));
	}

}

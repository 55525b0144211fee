package io.varve.boot.autoconfigure.observation;

import java.nio.file.Path;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.varve.ExpectedVersion;
import io.varve.Varve;
import io.varve.boot.autoconfigure.VarveAutoConfiguration;
import io.varve.boot.observation.VarveObservations;

import static org.assertj.core.api.Assertions.assertThat;

class VarveObservationAutoConfigurationTests {

	@TempDir
	Path dir;

	record Noted(String text) {
	}

	private ApplicationContextRunner runner() {
		return new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(VarveAutoConfiguration.class, VarveObservationAutoConfiguration.class))
			.withPropertyValues("varve.path=" + this.dir, "varve.durability=no-sync");
	}

	private ApplicationContextRunner withObservations() {
		return runner()
			.withConfiguration(AutoConfigurations.of(ObservationAutoConfiguration.class, MetricsAutoConfiguration.class,
					SimpleMetricsExportAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class));
	}

	@Test
	void observesAppendsWhenAnObservationRegistryExists() {
		withObservations().run((context) -> {
			assertThat(context).hasSingleBean(VarveObservations.class);
			assertThat(context).hasSingleBean(ObservationRegistry.class);
			context.getBean(Varve.class).append("note-1", ExpectedVersion.any(), new Noted("a"));
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			assertThat(meters.get("varve.store.append").tag("varve.outcome", "success").timer().count()).isEqualTo(1);
		});
	}

	@Test
	void aPropertyTurnsObservationsOff() {
		withObservations().withPropertyValues("varve.observations.enabled=false").run((context) -> {
			assertThat(context).hasSingleBean(Varve.class);
			assertThat(context).doesNotHaveBean(VarveObservations.class);
			context.getBean(Varve.class).append("note-1", ExpectedVersion.any(), new Noted("a"));
			assertThat(context.getBean(MeterRegistry.class).find("varve.store.append").timer()).isNull();
		});
	}

	@Test
	void observesNothingWithoutAnObservationRegistry() {
		runner().run((context) -> {
			assertThat(context).hasSingleBean(Varve.class);
			assertThat(context).doesNotHaveBean(VarveObservations.class);
		});
	}

	@Test
	void observesNothingWithoutMicrometerObservationOnTheClassPath() {
		runner().withClassLoader(new FilteredClassLoader("io.micrometer.observation")).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(VarveObservations.class);
		});
	}

}

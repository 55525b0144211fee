package io.varve.boot.autoconfigure.actuate;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.varve.Varve;
import io.varve.boot.actuate.VarveHealthIndicator;
import io.varve.boot.autoconfigure.VarveAutoConfiguration;
import io.varve.boot.autoconfigure.processor.VarveProcessorAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

class VarveHealthContributorAutoConfigurationTests {

	@TempDir
	Path dir;

	private ApplicationContextRunner runner() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(VarveAutoConfiguration.class,
					VarveProcessorAutoConfiguration.class, VarveHealthContributorAutoConfiguration.class))
			.withPropertyValues("varve.path=" + this.dir, "varve.durability=no-sync");
	}

	@Test
	void providesTheVarveHealthIndicatorByDefault() {
		runner().run((context) -> {
			assertThat(context).hasSingleBean(VarveHealthIndicator.class);
			assertThat(context).hasBean("varveHealthIndicator");
			Health health = context.getBean(VarveHealthIndicator.class).health(true);
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("headPosition", 0L);
		});
	}

	@Test
	void isTurnedOffByItsEnabledProperty() {
		runner().withPropertyValues("management.health.varve.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(VarveHealthIndicator.class));
	}

	@Test
	void followsTheDefaultForHealthIndicators() {
		runner().withPropertyValues("management.health.defaults.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(VarveHealthIndicator.class));
		runner().withPropertyValues("management.health.defaults.enabled=false", "management.health.varve.enabled=true")
			.run((context) -> assertThat(context).hasSingleBean(VarveHealthIndicator.class));
	}

	@Test
	void bindsItsThresholdAndWatchedProcessors() {
		runner()
			.withPropertyValues("management.health.varve.max-capacity-usage=0",
					"management.health.varve.processors=ledger,mailer")
			.run((context) -> {
				VarveHealthProperties properties = context.getBean(VarveHealthProperties.class);
				assertThat(properties.getMaxCapacityUsage()).isZero();
				assertThat(properties.getProcessors()).containsExactly("ledger", "mailer");
				Health health = context.getBean(VarveHealthIndicator.class).health(true);
				assertThat(health.getStatus()).isEqualTo(Status.DOWN);
				assertThat(health.getDetails().get("problems").toString())
					.contains("processor 'ledger' is watched (management.health.varve.processors) but not registered")
					.contains("of the maximum map size is in use");
			});
	}

	@Test
	void backsOffWithoutSpringBootHealthOnTheClasspath() {
		runner().withClassLoader(new FilteredClassLoader("org.springframework.boot.health")).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(Varve.class);
			assertThat(context).doesNotHaveBean(VarveHealthIndicator.class);
		});
	}

	@Test
	void backsOffWhenTheUserDefinesAVarveHealthIndicator() {
		try (Varve mine = Varve.open(this.dir.resolve("mine"))) {
			VarveHealthIndicator users = new VarveHealthIndicator(mine, java.util.List.of(), 0.5);
			runner().withBean("varveHealthIndicator", VarveHealthIndicator.class, () -> users)
				.run((context) -> assertThat(context).hasSingleBean(VarveHealthIndicator.class)
					.getBean(VarveHealthIndicator.class)
					.isSameAs(users));
		}
	}

}

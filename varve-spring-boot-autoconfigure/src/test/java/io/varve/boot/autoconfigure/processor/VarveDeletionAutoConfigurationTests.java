package io.varve.boot.autoconfigure.processor;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.varve.AppendResult;
import io.varve.DeleteResult;
import io.varve.EventsDeleted;
import io.varve.ExpectedVersion;
import io.varve.RecordedEvent;
import io.varve.RetentionPolicy;
import io.varve.RetentionStatus;
import io.varve.Varve;
import io.varve.boot.VarveHandler;
import io.varve.boot.VarveProcessor;
import io.varve.boot.autoconfigure.VarveAutoConfiguration;
import io.varve.processor.ProjectionStore;
import io.varve.processor.ProjectionView;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Retention from {@code varve.retention.*} and a {@code @VarveProcessor} that deletes a
 * projection row when its stream is deleted.
 */
class VarveDeletionAutoConfigurationTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	@TempDir
	Path dir;

	record Visited(String page) {
	}

	@VarveProcessor(categories = "customer")
	static class Visits {

		@VarveHandler
		void on(Visited visited, RecordedEvent event, ProjectionStore store) {
			store.put("visits", event.stream(), store.get("visits", event.stream(), Long.class).orElse(0L) + 1);
		}

		@VarveHandler
		void on(EventsDeleted deleted, ProjectionStore store) {
			if (deleted.streamDeleted()) {
				store.delete("visits", deleted.stream());
			}
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class VisitsConfiguration {

		@Bean
		Visits visits() {
			return new Visits();
		}

	}

	private ApplicationContextRunner runner() {
		return new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(VarveAutoConfiguration.class, VarveProcessorAutoConfiguration.class))
			.withPropertyValues("varve.path=" + this.dir, "varve.durability=no-sync");
	}

	@Test
	void retentionPropertiesBecomePoliciesOfTheStore() {
		runner()
			.withPropertyValues("varve.retention.sensor.max-count=2", "varve.retention.session.max-age=30d",
					"varve.retention.session.max-count=100", "varve.retention-interval=1h")
			.run((context) -> {
				Varve varve = context.getBean(Varve.class);
				assertThat(varve.retentionStatus().policies()).containsOnlyKeys("sensor", "session")
					.containsEntry("sensor", RetentionPolicy.maxCount(2))
					.containsEntry("session", RetentionPolicy.maxAge(Duration.ofDays(30)).andMaxCount(100));
				varve.append("sensor-1", ExpectedVersion.noStream(), new Visited("a"), new Visited("b"),
						new Visited("c"), new Visited("d"));
				RetentionStatus status = varve.applyRetention();
				assertThat(status.eventsDeleted()).isEqualTo(2);
				assertThat(varve.readStream("sensor-1", 1, 10)).extracting(RecordedEvent::version)
					.containsExactly(3L, 4L);
			});
	}

	@Test
	void aBadRetentionPropertyFailsTheStartWithItsReason() {
		runner().withPropertyValues("varve.retention.sensor.max-count=-1").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("maximum count must be 1 or more");
		});
	}

	@Test
	void aHandlerOfEventsDeletedReceivesTheDeletionsOfItsStreams() {
		runner().withUserConfiguration(VisitsConfiguration.class).run((context) -> {
			Varve varve = context.getBean(Varve.class);
			varve.append("customer-1", ExpectedVersion.noStream(), new Visited("home"), new Visited("cart"));
			AppendResult other = varve.append("customer-2", ExpectedVersion.noStream(), new Visited("home"));
			varve.processors().awaitProcessed("visits", other.lastPosition(), WAIT);
			ProjectionView projections = varve.processors().projections();
			assertThat(projections.get("visits", "customer-1", Long.class)).contains(2L);

			DeleteResult deleted = varve.deleteStream("customer-1", ExpectedVersion.exact(2));
			varve.processors().awaitProcessed("visits", deleted.position(), WAIT);

			assertThat(projections.get("visits", "customer-1", Long.class)).isEmpty();
			assertThat(projections.get("visits", "customer-2", Long.class)).contains(1L);
		});
	}

}

package io.varve.boot.autoconfigure.actuate;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.jmx.JmxEndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointAutoConfiguration;
import org.springframework.boot.actuate.endpoint.web.WebEndpointsSupplier;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.jmx.JmxAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

import io.varve.Varve;
import io.varve.boot.actuate.VarveEndpoint;
import io.varve.boot.actuate.VarveEndpointWebExtension;
import io.varve.boot.autoconfigure.VarveAutoConfiguration;
import io.varve.boot.autoconfigure.processor.VarveProcessorAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

class VarveEndpointAutoConfigurationTests {

	@TempDir
	Path dir;

	private ApplicationContextRunner runner() {
		return new ApplicationContextRunner()
			// As in an application: "unrestricted" binds to Access.UNRESTRICTED.
			.withInitializer(
					(context) -> context.getEnvironment().setConversionService(new ApplicationConversionService()))
			.withConfiguration(AutoConfigurations.of(VarveAutoConfiguration.class,
					VarveProcessorAutoConfiguration.class, VarveEndpointAutoConfiguration.class))
			.withPropertyValues("varve.path=" + this.dir, "varve.durability=no-sync");
	}

	private WebApplicationContextRunner webRunner() {
		return new WebApplicationContextRunner()
			.withInitializer(
					(context) -> context.getEnvironment().setConversionService(new ApplicationConversionService()))
			.withConfiguration(AutoConfigurations.of(VarveAutoConfiguration.class,
					VarveProcessorAutoConfiguration.class, VarveEndpointAutoConfiguration.class,
					EndpointAutoConfiguration.class, WebEndpointAutoConfiguration.class))
			.withPropertyValues("varve.path=" + this.dir, "varve.durability=no-sync");
	}

	@Test
	void providesTheEndpointAndItsWebExtensionWhenExposedOverTheWeb() {
		runner().withPropertyValues("management.endpoints.web.exposure.include=varve").run((context) -> {
			assertThat(context).hasSingleBean(VarveEndpoint.class);
			assertThat(context).hasSingleBean(VarveEndpointWebExtension.class);
			assertThat(context.getBean(VarveEndpoint.class).varve().headPosition()).isZero();
		});
	}

	@Test
	void providesNoEndpointWhenItIsNotExposed() {
		runner().run((context) -> {
			assertThat(context).hasSingleBean(Varve.class);
			assertThat(context).doesNotHaveBean(VarveEndpoint.class);
			assertThat(context).doesNotHaveBean(VarveEndpointWebExtension.class);
		});
	}

	@Test
	void providesNoEndpointWhenItsAccessIsNone() {
		runner()
			.withPropertyValues("management.endpoints.web.exposure.include=varve",
					"management.endpoint.varve.access=none")
			.run((context) -> assertThat(context).doesNotHaveBean(VarveEndpoint.class));
	}

	@Test
	void providesNoWebExtensionWhenTheEndpointIsExposedOverJmxOnly() {
		runner()
			.withPropertyValues("spring.jmx.enabled=true", "management.endpoints.jmx.exposure.include=varve",
					"management.endpoints.web.exposure.exclude=*")
			.run((context) -> {
				assertThat(context).hasSingleBean(VarveEndpoint.class);
				assertThat(context).doesNotHaveBean(VarveEndpointWebExtension.class);
			});
	}

	@Test
	void backsOffWithoutActuatorOnTheClasspath() {
		runner().withPropertyValues("management.endpoints.web.exposure.include=varve")
			.withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate"))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).hasSingleBean(Varve.class);
				assertThat(context).doesNotHaveBean(VarveEndpoint.class);
			});
	}

	@Test
	void backsOffWhenTheUserDefinesTheEndpoint() {
		try (Varve mine = Varve.open(this.dir.resolve("mine"))) {
			runner().withPropertyValues("management.endpoints.web.exposure.include=varve")
				.withBean("myEndpoint", VarveEndpoint.class, () -> new VarveEndpoint(mine),
						(definition) -> definition.setDestroyMethodName(""))
				.run((context) -> assertThat(context).getBean(VarveEndpoint.class)
					.isSameAs(context.getBean("myEndpoint")));
		}
	}

	@Test
	void theEndpointIsDiscoveredWithReadOnlyAccessByDefault() {
		webRunner().withPropertyValues("management.endpoints.web.exposure.include=varve").run((context) -> {
			var endpoint = context.getBean(WebEndpointsSupplier.class)
				.getEndpoints()
				.stream()
				.filter((candidate) -> candidate.getEndpointId().toString().equals("varve"))
				.findFirst()
				.orElseThrow();
			assertThat(endpoint.getOperations()).extracting((operation) -> operation.getType().name())
				.containsOnly("READ");
			assertThat(endpoint.getOperations()).hasSize(3);
		});
	}

	@Test
	void writeOperationsAreDiscoveredOnceAccessIsUnrestricted() {
		webRunner()
			.withPropertyValues("management.endpoints.web.exposure.include=varve",
					"management.endpoint.varve.access=unrestricted")
			.run((context) -> {
				var endpoint = context.getBean(WebEndpointsSupplier.class)
					.getEndpoints()
					.stream()
					.filter((candidate) -> candidate.getEndpointId().toString().equals("varve"))
					.findFirst()
					.orElseThrow();
				assertThat(endpoint.getOperations()).extracting((operation) -> operation.getType().name())
					.containsOnly("READ", "WRITE")
					.hasSize(4);
			});
	}

	@Test
	void theEndpointAnswersOverJmxWhenExposedThere() {
		runner()
			.withConfiguration(AutoConfigurations.of(JmxAutoConfiguration.class, EndpointAutoConfiguration.class,
					JmxEndpointAutoConfiguration.class))
			.withPropertyValues("spring.jmx.enabled=true", "spring.jmx.unique-names=true",
					"management.endpoints.jmx.exposure.include=varve")
			.run((context) -> {
				MBeanServer server = context.getBean(MBeanServer.class);
				ObjectName name = server
					.queryNames(new ObjectName("org.springframework.boot:type=Endpoint,name=Varve,*"), null)
					.iterator()
					.next();
				Object overview = server.invoke(name, "varve", new Object[0], new String[0]);
				assertThat(overview).asString().contains("headPosition=0");
			});
	}

}

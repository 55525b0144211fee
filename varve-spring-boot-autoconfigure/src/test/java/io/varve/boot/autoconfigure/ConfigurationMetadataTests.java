package io.varve.boot.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.context.properties.bind.DataObjectPropertyName;

import io.varve.Durability;
import io.varve.boot.VarveProcessor;
import io.varve.processor.ErrorPolicy;
import io.varve.processor.StartPosition;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The configuration metadata the build generates documents every key an IDE user can set,
 * the per-processor keys included, with values to pick from; and the auto-configuration
 * metadata lets Spring Boot filter these auto-configurations by their conditions without
 * loading them.
 */
class ConfigurationMetadataTests {

	private static final Path META_INF = Path.of("target", "classes", "META-INF");

	private static final String PER_PROCESSOR = "varve.processor." + VarvePropertyKeys.MAP_KEY + ".";

	private final JsonNode metadata = JsonMapper.builder()
		.build()
		.readTree(META_INF.resolve("spring-configuration-metadata.json").toFile());

	@Test
	void everyVarveKeyIsDocumentedWithADescription() {
		Map<String, JsonNode> properties = properties();
		assertThat(VarvePropertyKeys.all()).as("keys VarveProperties binds")
			.contains("varve.path", "varve.read-only", "varve.processors.enabled", PER_PROCESSOR + "batch-size");
		for (String key : VarvePropertyKeys.all()) {
			assertThat(properties).as("metadata for %s", key).containsKey(key);
			assertThat(properties.get(key).path("description").asString()).as("description of %s", key).isNotBlank();
		}
		List<String> documented = properties.keySet()
			.stream()
			.filter((key) -> key.startsWith("varve.") && !key.equals("varve.processor")
					&& !key.equals("varve.kafka.forwarders") && !key.equals("varve.retention"))
			.toList();
		assertThat(documented).as("documented keys VarveProperties does not bind")
			.containsExactlyInAnyOrderElementsOf(VarvePropertyKeys.all());
	}

	@Test
	void perProcessorDefaultsAreThoseOfTheVarveProcessorAnnotation() throws Exception {
		Map<String, JsonNode> properties = properties();
		assertThat(properties.get(PER_PROCESSOR + "enabled").path("defaultValue").asBoolean()).isTrue();
		for (Method attribute : VarveProcessor.class.getDeclaredMethods()) {
			String key = PER_PROCESSOR + DataObjectPropertyName.toDashedForm(attribute.getName());
			if (!VarvePropertyKeys.all().contains(key)) {
				// The name and the filter are not settings.
				continue;
			}
			Object annotated = attribute.getDefaultValue();
			JsonNode documented = properties.get(key).path("defaultValue");
			if (annotated instanceof Number number) {
				assertThat(documented.asDouble()).as("default of %s", key).isEqualTo(number.doubleValue());
			}
			else {
				String expected = (annotated instanceof Enum<?> value) ? dashed(value) : (String) annotated;
				assertThat(documented.asString()).as("default of %s", key).isEqualTo(expected);
			}
		}
	}

	@Test
	void enumeratedSettingsOfferEveryValueWithADescription() {
		assertHintListsEveryValue("varve.durability", Durability.values());
		assertHintListsEveryValue(PER_PROCESSOR + "error-policy", ErrorPolicy.values());
		assertHintListsEveryValue(PER_PROCESSOR + "start-position", StartPosition.values());
	}

	private void assertHintListsEveryValue(String key, Enum<?>[] values) {
		JsonNode hint = null;
		for (JsonNode candidate : this.metadata.get("hints")) {
			if (candidate.get("name").asString().equals(key)) {
				hint = candidate;
			}
		}
		assertThat(hint).as("hint for %s", key).isNotNull();
		Map<String, String> offered = new LinkedHashMap<>();
		for (JsonNode value : hint.get("values")) {
			offered.put(value.get("value").asString(), value.path("description").asString());
		}
		assertThat(offered.keySet()).as("values of %s", key)
			.containsExactlyElementsOf(Arrays.stream(values).map(ConfigurationMetadataTests::dashed).toList());
		assertThat(offered.values()).as("descriptions of the values of %s", key).allSatisfy((description) -> {
			assertThat(description).isNotBlank();
		});
	}

	@Test
	void autoConfigurationMetadataListsEveryAutoConfigurationWithItsConditions() throws IOException {
		Properties conditions = new Properties();
		try (InputStream in = Files.newInputStream(META_INF.resolve("spring-autoconfigure-metadata.properties"))) {
			conditions.load(in);
		}
		List<String> imports = Files
			.readAllLines(META_INF.resolve("spring")
				.resolve("org.springframework.boot.autoconfigure.AutoConfiguration.imports"))
			.stream()
			.filter((line) -> !line.isBlank())
			.toList();
		assertThat(imports).hasSize(7).allSatisfy((name) -> assertThat(conditions).containsKey(name));
		assertThat(conditions
			.getProperty("io.varve.boot.autoconfigure.actuate.VarveMetricsAutoConfiguration.ConditionalOnClass"))
			.isEqualTo("io.micrometer.core.instrument.binder.MeterBinder,io.micrometer.core.instrument.MeterRegistry");
		assertThat(conditions
			.getProperty("io.varve.boot.autoconfigure.processor.VarveProcessorAutoConfiguration.AutoConfigureAfter"))
			.isEqualTo(VarveAutoConfiguration.class.getName());
		assertThat(conditions.getProperty(
				"io.varve.boot.autoconfigure.observation.VarveObservationAutoConfiguration.ConditionalOnClass"))
			.isEqualTo("io.micrometer.observation.ObservationRegistry");
	}

	private Map<String, JsonNode> properties() {
		Map<String, JsonNode> properties = new LinkedHashMap<>();
		for (JsonNode property : this.metadata.get("properties")) {
			properties.put(property.get("name").asString(), property);
		}
		return properties;
	}

	private static String dashed(Enum<?> value) {
		return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

}

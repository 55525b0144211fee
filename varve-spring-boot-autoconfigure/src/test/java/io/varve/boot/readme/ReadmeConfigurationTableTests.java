package io.varve.boot.readme;

import java.beans.PropertyDescriptor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.BeanUtils;

import io.varve.boot.autoconfigure.ProcessorOverrides;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's configuration table and the starter's configuration metadata list the same
 * keys, so the table cannot promise a key that does not exist or miss one that does.
 */
class ReadmeConfigurationTableTests {

	private static final Path README = Path.of("..", "README.md");

	/**
	 * A guide with its own properties table, whose keys count as documented: the
	 * operations page's keys are listed there until the README's table gains their rows.
	 */
	private static final Path OPERATIONS_PAGE_GUIDE = Path.of("..", "docs", "operations-page.md");

	private static final Path METADATA = Path.of("target", "classes", "META-INF", "spring-configuration-metadata.json");

	private static final String PROCESSOR_MAP = "varve.processor";

	/** Boot's own setting, present on every endpoint; the table lists Varve's keys. */
	private static final Set<String> NOT_DOCUMENTED_HERE = Set.of("management.endpoint.varve.cache.time-to-live",
			// A map whose entries' keys are in the table as
			// varve.kafka.forwarders.<name>.*.
			"varve.kafka.forwarders",
			// Likewise: its entries are in the table as varve.retention.<name>.*.
			"varve.retention");

	private static final Pattern ROW = Pattern.compile("^\\| `([a-z0-9.<>-]+)` \\|");

	@Test
	void everyKeyInTheTableIsInTheMetadataAndEveryMetadataKeyIsInTheTable() throws IOException {
		Set<String> documented = tableKeys();
		Set<String> metadata = metadataKeys();
		assertThat(documented).as("keys in the README table").isNotEmpty();
		Set<String> flatDocumented = new TreeSet<>();
		Set<String> perProcessor = new TreeSet<>();
		for (String key : documented) {
			if (key.startsWith(PROCESSOR_MAP + ".<name>.")) {
				perProcessor.add(key.substring((PROCESSOR_MAP + ".<name>.").length()));
			}
			else {
				flatDocumented.add(key);
			}
		}
		assertThat(metadata).as("metadata keys").contains(PROCESSOR_MAP);
		Set<String> flatMetadata = new TreeSet<>();
		Set<String> perProcessorMetadata = new TreeSet<>();
		for (String key : metadata) {
			if (key.startsWith(PROCESSOR_MAP + ".<name>.")) {
				perProcessorMetadata.add(key.substring((PROCESSOR_MAP + ".<name>.").length()));
			}
			else if (!key.equals(PROCESSOR_MAP) && !NOT_DOCUMENTED_HERE.contains(key)) {
				flatMetadata.add(key);
			}
		}
		assertThat(flatDocumented).as("README table keys against the configuration metadata")
			.containsExactlyInAnyOrderElementsOf(flatMetadata);
		assertThat(perProcessor).as("varve.processor.<name>.* keys against ProcessorOverrides' properties")
			.containsExactlyInAnyOrderElementsOf(overrideKeys());
		assertThat(perProcessor).as("varve.processor.<name>.* keys against the configuration metadata")
			.containsExactlyInAnyOrderElementsOf(perProcessorMetadata);
	}

	private static Set<String> tableKeys() throws IOException {
		List<String> lines = Files.readAllLines(README);
		int start = lines.indexOf("## Configuration properties");
		assertThat(start).as("README section 'Configuration properties'").isNotNegative();
		Set<String> keys = new LinkedHashSet<>();
		for (int i = start + 1; i < lines.size() && !lines.get(i).startsWith("## "); i++) {
			Matcher row = ROW.matcher(lines.get(i));
			if (row.find()) {
				keys.add(row.group(1));
			}
		}
		List<String> guide = Files.readAllLines(OPERATIONS_PAGE_GUIDE);
		int properties = guide.indexOf("## Properties");
		assertThat(properties).as("operations page guide section 'Properties'").isNotNegative();
		for (int i = properties + 1; i < guide.size() && !guide.get(i).startsWith("## "); i++) {
			Matcher row = ROW.matcher(guide.get(i));
			if (row.find()) {
				keys.add(row.group(1));
			}
		}
		return keys;
	}

	private static Set<String> metadataKeys() {
		JsonNode root = JsonMapper.builder().build().readTree(METADATA.toFile());
		Set<String> keys = new TreeSet<>();
		for (JsonNode property : root.get("properties")) {
			keys.add(property.get("name").asString());
		}
		return keys;
	}

	private static Set<String> overrideKeys() {
		Set<String> keys = new TreeSet<>();
		for (PropertyDescriptor property : BeanUtils.getPropertyDescriptors(ProcessorOverrides.class)) {
			if (property.getWriteMethod() != null) {
				keys.add(property.getName().replaceAll("([A-Z])", "-$1").toLowerCase(java.util.Locale.ROOT));
			}
		}
		return keys;
	}

}

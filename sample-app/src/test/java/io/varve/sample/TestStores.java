package io.varve.sample;

import java.nio.file.Path;

import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * Where a test's application keeps its store and its audit file: under the test class's
 * temporary directory.
 */
final class TestStores {

	private TestStores() {
	}

	static void register(DynamicPropertyRegistry registry, Path dir) {
		registry.add("varve.path", () -> dir.resolve("store").toString());
		registry.add("sample.audit.file", () -> dir.resolve("audit.log").toString());
	}

}

package io.varve.kafka;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** Tests against one real broker per test class, with a fresh directory per test. */
abstract class BrokerTests {

	static TestBroker broker;

	@TempDir
	Path dir;

	@BeforeAll
	static void startBroker() {
		broker = new TestBroker();
	}

	@AfterAll
	static void stopBroker() {
		broker.close();
	}

}
